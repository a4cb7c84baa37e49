// Runtime settings from the environment, read once.
export interface ServerConfig {
  port: number;
  host: string;
  production: boolean;
  /** Origins a browser may send mutations and socket handshakes from. */
  allowedOrigins: string[];
  redisUrl?: string;
}

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? "127.0.0.1";
  const production = env.NODE_ENV === "production";
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? `http://localhost:${port},http://127.0.0.1:${port}`)
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  return { port, host, production, allowedOrigins, redisUrl: env.REDIS_URL || undefined };
}
