// Database errors the domain turns into answers for the user.
import { Prisma } from "@prisma/client";

/** A unique-constraint violation, e.g. a duplicate case reference or a racing retry with the same idempotency key. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  // Inside interactive transactions some driver adapters surface the raw driver error instead.
  const cause = (error as { cause?: { kind?: string; originalCode?: string } } | null)?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505" || /unique constraint/i.test(String((error as Error)?.message));
}
