// The image's entrypoint runs this before the server (the checklist's populate_db.py).
import { runPopulateDb } from '@ventas/service-kit';
import { configSchema } from './config';
import { populate } from './db/populate';

void runPopulateDb(configSchema, populate);
