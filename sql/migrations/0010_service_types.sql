-- The services a CPI delivers: the LEP (livelli essenziali delle prestazioni)
-- for people and for employers, as booking slots and service records name
-- them. Codes are the API's; labels are the regional systems' words.
CREATE TABLE service_types (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,39}$'),
    label_it text NOT NULL,
    audience text NOT NULL CHECK (audience IN ('person', 'employer')),
    ord      smallint NOT NULL UNIQUE
);

INSERT INTO service_types (code, label_it, audience, ord) VALUES
    ('reception',              'Accoglienza e prima informazione',               'person',   1),
    ('did',                    'Dichiarazione di immediata disponibilità (DID)', 'person',   2),
    ('did_validation',         'Convalida della DID',                            'person',   3),
    ('sap_update',             'Aggiornamento della SAP',                        'person',   4),
    ('profiling',              'Profilazione',                                   'person',   5),
    ('information',            'Informazione sulle misure',                      'person',   6),
    ('orientation',            'Orientamento di base',                           'person',   7),
    ('specialist_orientation', 'Orientamento specialistico',                     'person',   8),
    ('service_agreement',      'Patto di servizio personalizzato',               'person',   9),
    ('matching',               'Incrocio domanda/offerta',                       'person',  10),
    ('accompaniment',          'Accompagnamento al lavoro',                      'person',  11),
    ('training_referral',      'Avviamento alla formazione',                     'person',  12),
    ('traineeship',            'Tirocini',                                       'person',  13),
    ('incentives',             'Gestione di incentivi',                          'person',  14),
    ('self_employment',        'Supporto all''autoimpiego',                      'person',  15),
    ('protected_placement',    'Collocamento mirato (L. 68/1999)',               'person',  16),
    ('integrated_care',        'Presa in carico integrata',                      'person',  17),
    ('employer_reception',     'Accoglienza e informazione alle imprese',        'employer', 18),
    ('employer_matching',      'Incontro domanda/offerta per le imprese',        'employer', 19),
    ('employer_traineeship',   'Tirocini per le imprese',                        'employer', 20),
    ('employer_protected_placement', 'Collocamento mirato per le imprese',       'employer', 21);
