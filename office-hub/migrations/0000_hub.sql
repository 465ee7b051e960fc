CREATE TABLE "chain_breaks" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "chain_breaks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kiosk_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"expected" text NOT NULL,
	"found" text NOT NULL,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cooperatives" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"event_seq" bigint DEFAULT 0 NOT NULL,
	"delivery_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"cooperative_id" text NOT NULL,
	"coop_seq" bigint NOT NULL,
	"kiosk_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"message_id" text NOT NULL,
	"correspondence_id" text,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"at" text NOT NULL,
	CONSTRAINT "deliveries_kiosk_id_seq_pk" PRIMARY KEY("kiosk_id","seq")
);
--> statement-breakpoint
CREATE TABLE "flat_winners" (
	"cooperative_id" text NOT NULL,
	"flat_code" text NOT NULL,
	"kiosk_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"applied_at" text NOT NULL,
	CONSTRAINT "flat_winners_cooperative_id_flat_code_pk" PRIMARY KEY("cooperative_id","flat_code")
);
--> statement-breakpoint
CREATE TABLE "hub_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"cooperative_id" text NOT NULL,
	"kiosk_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "kiosk_public_keys" (
	"kiosk_id" text NOT NULL,
	"kid" text NOT NULL,
	"jwk" jsonb NOT NULL,
	"created_at" text,
	"retired_at" text,
	CONSTRAINT "kiosk_public_keys_kiosk_id_kid_pk" PRIMARY KEY("kiosk_id","kid")
);
--> statement-breakpoint
CREATE TABLE "kiosks" (
	"id" text PRIMARY KEY NOT NULL,
	"cooperative_id" text NOT NULL,
	"head_seq" bigint DEFAULT 0 NOT NULL,
	"head_hash" text DEFAULT '0000000000000000000000000000000000000000000000000000000000000000' NOT NULL,
	"deliveries_seq" bigint DEFAULT 0 NOT NULL,
	"keys_digest" text,
	"last_push_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "push_nonces" (
	"key_id" text NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "push_nonces_key_id_nonce_pk" PRIMARY KEY("key_id","nonce")
);
--> statement-breakpoint
CREATE TABLE "register_events" (
	"cooperative_id" text NOT NULL,
	"coop_seq" bigint NOT NULL,
	"kiosk_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"type" text NOT NULL,
	"flat_code" text NOT NULL,
	"owner_id" text,
	"payload" text NOT NULL,
	"occurred_at" text NOT NULL,
	"applied_at" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"conflict" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "register_events_kiosk_id_seq_pk" PRIMARY KEY("kiosk_id","seq")
);
--> statement-breakpoint
ALTER TABLE "hub_keys" ADD CONSTRAINT "hub_keys_cooperative_id_cooperatives_id_fk" FOREIGN KEY ("cooperative_id") REFERENCES "public"."cooperatives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hub_keys" ADD CONSTRAINT "hub_keys_kiosk_id_kiosks_id_fk" FOREIGN KEY ("kiosk_id") REFERENCES "public"."kiosks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kiosk_public_keys" ADD CONSTRAINT "kiosk_public_keys_kiosk_id_kiosks_id_fk" FOREIGN KEY ("kiosk_id") REFERENCES "public"."kiosks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kiosks" ADD CONSTRAINT "kiosks_cooperative_id_cooperatives_id_fk" FOREIGN KEY ("cooperative_id") REFERENCES "public"."cooperatives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chain_breaks_once" ON "chain_breaks" USING btree ("kiosk_id","seq","kind","found");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_coop_seq" ON "deliveries" USING btree ("cooperative_id","coop_seq");--> statement-breakpoint
CREATE INDEX "deliveries_paper" ON "deliveries" USING btree ("cooperative_id","status","at");--> statement-breakpoint
CREATE INDEX "push_nonces_seen_at" ON "push_nonces" USING btree ("seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "register_events_coop_seq" ON "register_events" USING btree ("cooperative_id","coop_seq");--> statement-breakpoint
CREATE INDEX "register_events_flat" ON "register_events" USING btree ("cooperative_id","flat_code");