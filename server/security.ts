// Security headers for every response: a per-request CSP nonce (no inline script without it), no framing,
// no media sources at all (Cluebridge is text-only), HSTS outside development.
import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import helmet from "helmet";

/** Stands for the request's nonce in the policy helmet writes once; replaced per request. Not base64, so never a real nonce. */
const NONCE_PLACEHOLDER = "{{cluebridge-csp-nonce}}";

export function securityHeaders({ production }: { production: boolean }): RequestHandler[] {
  // helmet decides the headers; it runs once, here, against a recorder, and each request gets the same headers
  // with its own nonce. Run per request, its fifteen middlewares and the policy's parsing and serialising were
  // about 5% of the API's hot read (decision 018); the headers are the same bytes.
  const { set, removed } = recordHelmetHeaders(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", `'nonce-${NONCE_PLACEHOLDER}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'none'"],
        mediaSrc: ["'none'"],
        objectSrc: ["'none'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
      },
    },
    strictTransportSecurity: production ? { maxAge: 63072000, includeSubDomains: true } : false,
    // Not "no-referrer": under it a browser sends `Origin: null` on a plain form POST, which the CSRF check
    // must refuse. "same-origin" still sends nothing to other sites.
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
    xContentTypeOptions: true,
    xFrameOptions: { action: "deny" },
  }));
  const headers: RequestHandler = (_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value.includes(NONCE_PLACEHOLDER) ? value.replace(NONCE_PLACEHOLDER, nonce) : value);
    next();
  };
  return [headers];
}

/** The headers a middleware sets and removes when it runs once; it must not depend on the request. */
function recordHelmetHeaders(middleware: (req: never, res: never, next: (error?: unknown) => void) => void): { set: [string, string][]; removed: string[] } {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name, Array.isArray(value) ? value.join(", ") : String(value));
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.push(name);
    },
  };
  let error: unknown;
  let done = false;
  middleware({ method: "GET", url: "/", headers: {} } as never, res as never, (err) => {
    error = err;
    done = true;
  });
  if (!done || error) throw new Error(`helmet did not finish synchronously while its headers were recorded: ${String(error)}`);
  if (![...set.values()].some((value) => value.includes(NONCE_PLACEHOLDER))) throw new Error("The content security policy lost its nonce.");
  return { set: [...set], removed };
}
