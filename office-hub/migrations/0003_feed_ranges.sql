CREATE TABLE "feed_ranges" (
	"cooperative_id" text NOT NULL,
	"kiosk_id" text NOT NULL,
	"first_seq" bigint NOT NULL,
	"last_seq" bigint NOT NULL,
	"arrival" bigint GENERATED ALWAYS AS IDENTITY (sequence name "feed_ranges_arrival_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"coop_first" bigint,
	"coop_last" bigint,
	CONSTRAINT "feed_ranges_kiosk_id_first_seq_pk" PRIMARY KEY("kiosk_id","first_seq")
);
--> statement-breakpoint
DROP INDEX "register_events_coop_seq";--> statement-breakpoint
DROP INDEX "register_events_unnumbered";--> statement-breakpoint
CREATE UNIQUE INDEX "feed_ranges_coop_last" ON "feed_ranges" USING btree ("cooperative_id","coop_last");--> statement-breakpoint
CREATE INDEX "feed_ranges_unnumbered" ON "feed_ranges" USING btree ("cooperative_id","arrival") WHERE "feed_ranges"."coop_first" IS NULL;--> statement-breakpoint
ALTER TABLE "flat_winners" DROP COLUMN "seq";--> statement-breakpoint
ALTER TABLE "flat_winners" DROP COLUMN "applied_at";--> statement-breakpoint
-- A hub that already holds events keeps their feed numbers: one range per event, unnumbered ones in arrival order.
INSERT INTO "feed_ranges" ("cooperative_id", "kiosk_id", "first_seq", "last_seq", "coop_first", "coop_last")
SELECT "cooperative_id", "kiosk_id", "seq", "seq", "coop_seq", "coop_seq" FROM "register_events" ORDER BY "arrival";--> statement-breakpoint
ALTER TABLE "register_events" DROP COLUMN "coop_seq";--> statement-breakpoint
ALTER TABLE "register_events" DROP COLUMN "arrival";