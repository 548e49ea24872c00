ALTER TABLE "report" ADD COLUMN "summary" "bytea";--> statement-breakpoint
-- Issue 16 (docs/security.md, "The submission minute from `xmin` and serial ids"): a spent proof-of-work id is written in
-- the transaction of the intake or of the one-request commit, so its expiry (challenge time + 10 minutes, to
-- the second) sat next to the report's xmin. Every writer now stores it rounded up to the next UTC midnight:
-- a challenge still counts as spent until it expired (later, never earlier), and the row says only a day.
CREATE OR REPLACE FUNCTION pow_spent_coarse_expiry() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	NEW.expires_at := date_trunc('day', NEW.expires_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 day';
	RETURN NEW;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER pow_spent_coarse_expiry BEFORE INSERT OR UPDATE ON pow_spent
	FOR EACH ROW EXECUTE FUNCTION pow_spent_coarse_expiry();
--> statement-breakpoint
UPDATE pow_spent SET expires_at = expires_at;
