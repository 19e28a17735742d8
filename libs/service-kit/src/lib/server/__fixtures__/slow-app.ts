// A tiny service for the graceful-shutdown test: GET /slow answers after SLOW_MS.
import {
  createApp,
  defineConfigSchema,
  exitOnStartupError,
  loadConfig,
  startServer,
  type BaseConfig,
} from '../../../index';

interface Config extends BaseConfig {
  SLOW_MS: number;
}

async function main() {
  const config = loadConfig<Config>(defineConfigSchema({ SLOW_MS: { type: 'integer', default: 1500 } }));
  const app = createApp(config);
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, config.SLOW_MS));
    return { done: true };
  });
  app.addHook('onClose', async () => app.log.info('pool closed'));
  await startServer(app, config);
}

main().catch(exitOnStartupError);
