CREATE TABLE "directory_entry_revocation" (
	"entry_id" "bytea" PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"organ_id" text NOT NULL,
	"reason" text NOT NULL,
	"revoked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "directory_entry_revocation_staff_idx" ON "directory_entry_revocation" USING btree ("staff_id");--> statement-breakpoint
-- Issue 16: leaving an organ (or losing a handler role there) revokes the member's entries for that organ;
-- disabling an account revokes all of its entries. Triggers, so every code path (admin page, import, SQL) is covered.
CREATE OR REPLACE FUNCTION directory_entry_revoke_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.role IN ('inspector', 'head') AND NEW.staff_id = OLD.staff_id AND NEW.organ_id = OLD.organ_id THEN
		RETURN NULL;
	END IF;
	INSERT INTO directory_entry_revocation (entry_id, staff_id, organ_id, reason)
		SELECT entry_id, staff_id, organ_id, 'membership_removed' FROM directory_entry
		WHERE staff_id = OLD.staff_id AND organ_id = OLD.organ_id
		ON CONFLICT (entry_id) DO NOTHING;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER organ_staff_revoke_entries AFTER DELETE OR UPDATE ON organ_staff
	FOR EACH ROW EXECUTE FUNCTION directory_entry_revoke_membership();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION directory_entry_revoke_disabled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.disabled_at IS NOT NULL AND OLD.disabled_at IS NULL THEN
		INSERT INTO directory_entry_revocation (entry_id, staff_id, organ_id, reason)
			SELECT entry_id, staff_id, organ_id, 'account_disabled' FROM directory_entry
			WHERE staff_id = NEW.id
			ON CONFLICT (entry_id) DO NOTHING;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER staff_user_revoke_entries AFTER UPDATE OF disabled_at ON staff_user
	FOR EACH ROW EXECUTE FUNCTION directory_entry_revoke_disabled();
