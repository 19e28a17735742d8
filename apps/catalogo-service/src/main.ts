import { exitOnStartupError, loadConfig, startServer } from '@ventas/service-kit';
import { buildApp } from './app';
import { configSchema, type Config } from './config';

async function main() {
  const config = loadConfig<Config>(configSchema);
  const app = buildApp(config);
  await startServer(app, config);
}

main().catch(exitOnStartupError);
