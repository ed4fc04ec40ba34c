-- Online booking: an office publishes time slots per service type, each with
-- a capacity; citizens (without a key), portals and staff book a seat.
--
-- Never an overbooking: a booking takes its seat with one conditional update
-- (booked < capacity) in the booking's transaction, so concurrent bookings of
-- the last seat queue on the slot's row and all but one find it full.
-- Never one person in two places: an exclusion constraint over the person's
-- codice fiscale and the appointment's time, for booked appointments only.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE slots (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    office_code  text NOT NULL REFERENCES offices (code),
    service_type text NOT NULL REFERENCES service_types (code),
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    channel      text NOT NULL DEFAULT 'in_person' CHECK (channel IN ('in_person', 'video', 'phone')),
    capacity     integer NOT NULL CHECK (capacity BETWEEN 1 AND 100),
    booked       integer NOT NULL DEFAULT 0 CHECK (booked BETWEEN 0 AND capacity),
    cancelled_at timestamptz, -- withdrawn by the office (only while nobody holds a seat)
    version      integer NOT NULL DEFAULT 1, -- every seat taken or given back makes a new one
    created_by   uuid REFERENCES api_keys (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '8 hours'),
    CHECK (cancelled_at IS NULL OR booked = 0)
);
CREATE INDEX slots_office_idx ON slots (office_code, starts_at, id);

CREATE TABLE appointments (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slot_id        uuid NOT NULL REFERENCES slots (id),
    office_code    text NOT NULL REFERENCES offices (code), -- the slot's: scope checks
    service_type   text NOT NULL REFERENCES service_types (code),
    during         tstzrange NOT NULL, -- the slot's time, for the overlap rule
    job_seeker_id  uuid REFERENCES job_seekers (id),
    linked_by_cf   boolean NOT NULL DEFAULT false, -- job_seeker_id found from the codice fiscale
    -- The person, as given (or as the SAP has them when booked by job_seeker_id).
    -- All NULL once the person is erased.
    codice_fiscale char(16) CHECK (codice_fiscale ~ '^[A-Z0-9]{16}$'),
    given_name     text CHECK (length(given_name) BETWEEN 1 AND 100),
    family_name    text CHECK (length(family_name) BETWEEN 1 AND 100),
    email          text CHECK (length(email) <= 254),
    phone          text CHECK (length(phone) <= 40),
    state          text NOT NULL DEFAULT 'booked' CHECK (state IN ('booked', 'cancelled')),
    cancelled_at   timestamptz,
    token_hash     bytea CHECK (length(token_hash) = 32), -- SHA-256 of a keyless booker's token
    version        integer NOT NULL DEFAULT 1,
    created_by     uuid REFERENCES api_keys (id), -- NULL: a keyless citizen
    created_at     timestamptz NOT NULL DEFAULT now(),
    erased_at      timestamptz, -- the person was erased: reads as deleted
    CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (erased_at IS NOT NULL OR (codice_fiscale IS NOT NULL AND given_name IS NOT NULL
                                     AND family_name IS NOT NULL
                                     AND (email IS NOT NULL OR phone IS NOT NULL))),
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist (codice_fiscale WITH =, during WITH &&)
        WHERE (state = 'booked')
);
CREATE INDEX appointments_slot_idx ON appointments (slot_id, created_at, id);
CREATE INDEX appointments_seeker_idx ON appointments (job_seeker_id) WHERE job_seeker_id IS NOT NULL;

CREATE CONSTRAINT TRIGGER appointments_change_feed AFTER INSERT OR UPDATE OR DELETE ON appointments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION change_feed_record('appointment');

CREATE FUNCTION booking_instant(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- A slot as the API shows it: no personal data.
CREATE FUNCTION slot_doc(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'office_code', s.office_code, 'service_type', s.service_type,
    'starts_at', booking_instant(s.starts_at), 'ends_at', booking_instant(s.ends_at),
    'channel', s.channel, 'capacity', s.capacity, 'booked', s.booked,
    'free', CASE WHEN s.cancelled_at IS NULL THEN s.capacity - s.booked ELSE 0 END,
    -- stored facts only (no 'past'): the ETag, the version, must stay true
    'state', CASE WHEN s.cancelled_at IS NOT NULL THEN 'cancelled' ELSE 'open' END,
    'cancelled_at', booking_instant(s.cancelled_at),
    'version', s.version, 'created_at', booking_instant(s.created_at))
FROM slots s WHERE s.id = p_id
$$;

-- An appointment; NULL once erased. p_staff: the id of a job seeker found
-- by codice fiscale is shown to staff only (it would tell others that the
-- person has a SAP).
CREATE FUNCTION appointment_doc(p_id uuid, p_staff boolean) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', a.id, 'slot_id', a.slot_id, 'office_code', a.office_code,
    'service_type', a.service_type,
    'starts_at', booking_instant(lower(a.during)), 'ends_at', booking_instant(upper(a.during)),
    'channel', s.channel, 'state', a.state,
    'job_seeker_id', CASE WHEN p_staff OR NOT a.linked_by_cf THEN a.job_seeker_id END,
    'codice_fiscale', a.codice_fiscale, 'given_name', a.given_name,
    'family_name', a.family_name, 'email', a.email, 'phone', a.phone,
    'version', a.version, 'created_at', booking_instant(a.created_at),
    'cancelled_at', booking_instant(a.cancelled_at))
FROM appointments a JOIN slots s ON s.id = a.slot_id
WHERE a.id = p_id AND a.erased_at IS NULL
$$;

-- Publishes a slot. Returns one row per problem (code, NULL), or one row
-- (NULL, id). The codes' prefix names the field.
CREATE FUNCTION slot_create(p_office text, p_service text, p_starts timestamptz,
                            p_ends timestamptz, p_capacity integer, p_channel text, p_key uuid)
RETURNS TABLE (code text, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
    v_problems text[] := '{}';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM service_types t WHERE t.code = p_service) THEN
        v_problems := v_problems || 'service_type.unknown'::text;
    END IF;
    IF p_starts <= now() THEN
        v_problems := v_problems || 'starts_at.past'::text;
    ELSIF p_starts > now() + interval '366 days' THEN
        v_problems := v_problems || 'starts_at.too_far'::text;
    END IF;
    IF p_ends <= p_starts THEN
        v_problems := v_problems || 'ends_at.before_start'::text;
    ELSIF p_ends - p_starts > interval '8 hours' THEN
        v_problems := v_problems || 'ends_at.too_long'::text;
    END IF;
    IF cardinality(v_problems) > 0 THEN
        RETURN QUERY SELECT unnest(v_problems), NULL::uuid;
        RETURN;
    END IF;
    INSERT INTO slots (office_code, service_type, starts_at, ends_at, capacity, channel, created_by)
    VALUES (p_office, p_service, p_starts, p_ends, p_capacity, p_channel, p_key)
    RETURNING slots.id INTO v_id;
    RETURN QUERY SELECT NULL::text, v_id;
END $$;

-- Books a seat: by job seeker id (the SAP's codice fiscale and names are
-- copied) or by codice fiscale (linked to the SAP that has it, if any).
-- Returns (code, NULL) for a refusal, else (NULL, id). Codes starting with
-- "slot." or "appointment." are conflicts with the state of things (409); the
-- others name an invalid field (422).
CREATE FUNCTION appointment_book(p_slot uuid, p_service text, p_job_seeker uuid, p_cf text,
                                 p_given text, p_family text, p_email text, p_phone text,
                                 p_token_hash bytea, p_key uuid)
RETURNS TABLE (code text, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s      slots%ROWTYPE;
    v_js   uuid := p_job_seeker;
    v_cf   text := p_cf;
    v_gn   text := p_given;
    v_fn   text := p_family;
    v_link boolean := false;
    v_id   uuid;
BEGIN
    SELECT * INTO s FROM slots WHERE slots.id = p_slot;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'slot_id.unknown'::text, NULL::uuid;
        RETURN;
    END IF;
    IF s.service_type <> p_service THEN
        RETURN QUERY SELECT 'service_type.mismatch'::text, NULL::uuid;
        RETURN;
    END IF;
    IF p_job_seeker IS NOT NULL THEN
        SELECT j.codice_fiscale, j.given_name, j.family_name INTO v_cf, v_gn, v_fn
        FROM job_seekers j WHERE j.id = p_job_seeker AND j.erased_at IS NULL;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'job_seeker_id.unknown'::text, NULL::uuid;
            RETURN;
        END IF;
    ELSE
        SELECT j.id INTO v_js FROM job_seekers j
        WHERE j.codice_fiscale = p_cf AND j.erased_at IS NULL;
        v_link := v_js IS NOT NULL;
    END IF;
    IF s.cancelled_at IS NOT NULL THEN
        RETURN QUERY SELECT 'slot.cancelled'::text, NULL::uuid;
        RETURN;
    END IF;
    IF s.starts_at <= now() THEN
        RETURN QUERY SELECT 'slot.past'::text, NULL::uuid;
        RETURN;
    END IF;
    BEGIN
        -- The seat: concurrent bookers queue on this row; each re-reads booked.
        UPDATE slots SET booked = booked + 1, version = version + 1
        WHERE slots.id = p_slot AND booked < capacity AND cancelled_at IS NULL;
        IF NOT FOUND THEN
            -- withdrawn since it was read above, or full
            RETURN QUERY SELECT CASE WHEN EXISTS (SELECT 1 FROM slots WHERE slots.id = p_slot
                                                  AND cancelled_at IS NOT NULL)
                                THEN 'slot.cancelled' ELSE 'slot.full' END, NULL::uuid;
            RETURN;
        END IF;
        INSERT INTO appointments (slot_id, office_code, service_type, during, job_seeker_id,
                                  linked_by_cf, codice_fiscale, given_name, family_name, email,
                                  phone, token_hash, created_by)
        VALUES (p_slot, s.office_code, s.service_type, tstzrange(s.starts_at, s.ends_at, '[)'),
                v_js, v_link, v_cf, v_gn, v_fn, p_email, p_phone, p_token_hash, p_key)
        RETURNING appointments.id INTO v_id;
    EXCEPTION WHEN exclusion_violation THEN
        -- the seat taken above goes back with the subtransaction
        RETURN QUERY SELECT 'appointment.overlap'::text, NULL::uuid;
        RETURN;
    END;
    RETURN QUERY SELECT NULL::text, v_id;
END $$;

-- Cancels a booked appointment (the caller holds its row lock and checked
-- its state) and gives its seat back.
CREATE FUNCTION appointment_cancel(p_id uuid) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v_slot uuid;
BEGIN
    UPDATE appointments SET state = 'cancelled', cancelled_at = now(), version = version + 1
    WHERE appointments.id = p_id AND state = 'booked' RETURNING slot_id INTO v_slot;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE slots SET booked = booked - 1, version = version + 1 WHERE slots.id = v_slot;
    RETURN true;
END $$;

-- Erasure reaches the appointments: the person's data go, and the seats of
-- those still to come are given back.
CREATE FUNCTION appointments_erase_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a record;
BEGIN
    FOR a IN SELECT ap.id, ap.slot_id, ap.state, lower(ap.during) > now() AS future
             FROM appointments ap
             WHERE (ap.job_seeker_id = NEW.id OR ap.codice_fiscale = OLD.codice_fiscale)
               AND ap.erased_at IS NULL
             ORDER BY ap.id FOR UPDATE LOOP
        IF a.state = 'booked' AND a.future THEN
            UPDATE slots SET booked = booked - 1, version = version + 1 WHERE slots.id = a.slot_id;
        END IF;
        UPDATE appointments SET codice_fiscale = NULL, given_name = NULL, family_name = NULL,
            email = NULL, phone = NULL, token_hash = NULL, erased_at = now(),
            version = version + 1,
            state = CASE WHEN a.state = 'booked' AND a.future THEN 'cancelled' ELSE state END,
            cancelled_at = CASE WHEN a.state = 'booked' AND a.future THEN now()
                                ELSE cancelled_at END
        WHERE appointments.id = a.id;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER job_seekers_erase_appointments AFTER UPDATE OF erased_at ON job_seekers
    FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
    EXECUTE FUNCTION appointments_erase_person();
