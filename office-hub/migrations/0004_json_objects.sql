-- The hub wrote deliveries.letter and kiosk_public_keys.jwk through drizzle's jsonb mapping under
-- bun-sql, which stores a JSON string holding the JSON text. Make them the JSON objects they are,
-- so SQL can read them (letter->>'flat'); register_events.conflict too, should any be a string.
UPDATE "deliveries" SET "letter" = ("letter" #>> '{}')::jsonb WHERE jsonb_typeof("letter") = 'string';--> statement-breakpoint
UPDATE "kiosk_public_keys" SET "jwk" = ("jwk" #>> '{}')::jsonb WHERE jsonb_typeof("jwk") = 'string';--> statement-breakpoint
UPDATE "register_events" SET "conflict" = ("conflict" #>> '{}')::jsonb WHERE jsonb_typeof("conflict") = 'string';
