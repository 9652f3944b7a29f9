import { EnvConfig, loadEnv } from '@app/config/env.validation';
import { HubConfig, loadHubConfig } from '@app/config/load-hub-config';

/**
 * The hub's whole validated configuration: environment plus config file.
 * A class (not an interface) so it can be the Nest DI token (STYLE: DI tokens);
 * inject it instead of reading `process.env` deep in the code.
 */
export class AppConfig {
  constructor(
    readonly env: EnvConfig,
    readonly hub: HubConfig,
  ) {}
}

/**
 * Loads the environment, then the config file it names (`HUB_CONFIG`).
 * Throws `ConfigError` naming every bad variable or key. The bootstrap calls
 * this, then `await assertProductionReady(config.hub, config.env)`, before
 * creating the Nest app, so a bad config stops start-up before anything listens.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const envConfig = loadEnv(env);
  return new AppConfig(envConfig, loadHubConfig(envConfig.hubConfigPath, env));
}
