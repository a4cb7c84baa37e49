// Database errors the domain turns into answers for the user.
import { Prisma } from "@prisma/client";

/** A unique-constraint violation, e.g. a duplicate case reference or a racing retry with the same idempotency key. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") return true;
    // P2010: a raw statement failed; the driver's error (or, without a driver adapter, the database's code) says why.
    const meta = error.meta as { code?: string; driverAdapterError?: { cause?: { kind?: string; code?: string; originalCode?: string } } } | undefined;
    const cause = meta?.driverAdapterError?.cause;
    // pg's adapter names the violation; PGlite's passes the database's code on.
    return error.code === "P2010" && (meta?.code === "23505" || cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505" || cause?.code === "23505");
  }
  // A plain transaction (WriteKind "statements") gets the driver's own error, with the database's code.
  if ((error as { code?: unknown } | null)?.code === "23505") return true;
  // Inside interactive transactions some driver adapters surface the raw driver error instead.
  const cause = (error as { cause?: { kind?: string; originalCode?: string } } | null)?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505" || /unique constraint/i.test(String((error as Error)?.message));
}
