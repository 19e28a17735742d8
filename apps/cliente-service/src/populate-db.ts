// Run by the image's entrypoint before the server: initialises the data (the former populate_db.py).
import { runPopulateDb } from '@ventas/service-kit/data';
import { configSchema } from './config';
import { populate } from './db/populate';

void runPopulateDb(configSchema, populate);
