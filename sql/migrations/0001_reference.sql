-- Reference data: ISTAT comuni (for places and distances) and the CPI offices.
CREATE TABLE comuni (
    istat_code   char(6) PRIMARY KEY CHECK (istat_code ~ '^[0-9]{6}$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    province     char(2) NOT NULL CHECK (province ~ '^[A-Z]{2}$'),
    region_istat char(2) NOT NULL CHECK (region_istat ~ '^[0-9]{2}$'),
    lat          double precision NOT NULL CHECK (lat BETWEEN 35 AND 48),
    lon          double precision NOT NULL CHECK (lon BETWEEN 6 AND 19)
);
CREATE INDEX comuni_province_idx ON comuni (province);

CREATE TABLE offices (
    code         text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}[0-9]{2}$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    province     char(2) NOT NULL CHECK (province ~ '^[A-Z]{2}$'),
    comune_istat char(6) NOT NULL REFERENCES comuni (istat_code),
    address      text NOT NULL CHECK (length(address) BETWEEN 1 AND 200),
    lat          double precision NOT NULL CHECK (lat BETWEEN 35 AND 48),
    lon          double precision NOT NULL CHECK (lon BETWEEN 6 AND 19),
    phone        text CHECK (length(phone) <= 40),
    email        text CHECK (length(email) <= 254),
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offices_province_idx ON offices (province, code);
