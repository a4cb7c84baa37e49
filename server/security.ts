// Security headers for every response: a per-request CSP nonce (no inline script without it), no framing,
// no media sources at all (Cluebridge is text-only), HSTS outside development.
import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import helmet from "helmet";

export function securityHeaders({ production }: { production: boolean }): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`],
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
  });
  return [nonce, headers];
}
