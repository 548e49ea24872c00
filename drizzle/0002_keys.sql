CREATE TABLE "directory_entry" (
	"entry_id" "bytea" PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"organ_id" text NOT NULL,
	"role" text NOT NULL,
	"public_key" "bytea" NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"root_key_id" integer NOT NULL,
	"signed" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "key_revocation" (
	"id" serial PRIMARY KEY NOT NULL,
	"root_key_id" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"signed" "bytea" NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_root_key" (
	"id" serial PRIMARY KEY NOT NULL,
	"public_key" "bytea" NOT NULL,
	"password_wrapped" "bytea" NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "org_root_key_public_key_unique" UNIQUE("public_key")
);
--> statement-breakpoint
CREATE TABLE "staff_key" (
	"staff_id" uuid PRIMARY KEY NOT NULL,
	"public_key" "bytea" NOT NULL,
	"password_wrapped" "bytea" NOT NULL,
	"recovery_wrapped" "bytea" NOT NULL,
	"kdf_spec" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone,
	CONSTRAINT "staff_key_public_key_unique" UNIQUE("public_key")
);
--> statement-breakpoint
ALTER TABLE "directory_entry" ADD CONSTRAINT "directory_entry_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_entry" ADD CONSTRAINT "directory_entry_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_entry" ADD CONSTRAINT "directory_entry_root_key_id_org_root_key_id_fk" FOREIGN KEY ("root_key_id") REFERENCES "public"."org_root_key"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_revocation" ADD CONSTRAINT "key_revocation_root_key_id_org_root_key_id_fk" FOREIGN KEY ("root_key_id") REFERENCES "public"."org_root_key"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_revocation" ADD CONSTRAINT "key_revocation_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_root_key" ADD CONSTRAINT "org_root_key_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_key" ADD CONSTRAINT "staff_key_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "directory_entry_organ_idx" ON "directory_entry" USING btree ("organ_id");--> statement-breakpoint
CREATE INDEX "directory_entry_staff_idx" ON "directory_entry" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "key_revocation_root_idx" ON "key_revocation" USING btree ("root_key_id","issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "org_root_key_one_active" ON "org_root_key" USING btree ("active") WHERE "org_root_key"."active";