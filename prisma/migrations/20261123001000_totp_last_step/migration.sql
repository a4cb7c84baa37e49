-- TOTP replay protection: the last time step whose code was accepted for the user; a code is accepted
-- only for a later step, so a code that was used once cannot be used again.
ALTER TABLE "User" ADD COLUMN "totpLastStep" INTEGER;
