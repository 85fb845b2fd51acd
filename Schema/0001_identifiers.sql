-- Identifiers: UUIDv7 (RFC 9562), time-ordered so indexes stay compact, random enough that
-- identifiers in URLs reveal neither counts nor neighbours. PostgreSQL 15 has no uuidv7().
CREATE FUNCTION uuid_generate_v7() RETURNS uuid
LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $$
DECLARE
    milliseconds bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
    -- 16 bytes from the built-in CSPRNG; the first 6 become the timestamp.
    bytes bytea := uuid_send(gen_random_uuid());
BEGIN
    bytes := overlay(bytes PLACING substring(int8send(milliseconds) FROM 3) FROM 1 FOR 6);
    -- version 7 in the high nibble of byte 6, variant 0b10 in the top bits of byte 8
    bytes := set_byte(bytes, 6, (get_byte(bytes, 6) & 15) | 112);
    bytes := set_byte(bytes, 8, (get_byte(bytes, 8) & 63) | 128);
    RETURN encode(bytes, 'hex')::uuid;
END
$$;
