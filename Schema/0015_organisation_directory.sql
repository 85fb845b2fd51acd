-- The outreach directory: staff find organisations by country, region, kind and thematic area and
-- see their engagement; members see of other organisations only what those chose to show.

-- The UN M49 top-level region of each ISO 3166-1 country (Antarctica apart).
CREATE TABLE country_regions (
    country text PRIMARY KEY CHECK (country ~ '^[A-Z]{2}$'),
    region text NOT NULL CHECK (region IN ('africa', 'americas', 'asia', 'europe', 'oceania', 'antarctica'))
);
INSERT INTO country_regions (country, region) VALUES
    ('AD', 'europe'), ('AE', 'asia'), ('AF', 'asia'), ('AG', 'americas'), ('AI', 'americas'), ('AL', 'europe'), ('AM', 'asia'), ('AO', 'africa'), ('AQ', 'antarctica'), ('AR', 'americas'),
    ('AS', 'oceania'), ('AT', 'europe'), ('AU', 'oceania'), ('AW', 'americas'), ('AX', 'europe'), ('AZ', 'asia'), ('BA', 'europe'), ('BB', 'americas'), ('BD', 'asia'), ('BE', 'europe'),
    ('BF', 'africa'), ('BG', 'europe'), ('BH', 'asia'), ('BI', 'africa'), ('BJ', 'africa'), ('BL', 'americas'), ('BM', 'americas'), ('BN', 'asia'), ('BO', 'americas'), ('BQ', 'americas'),
    ('BR', 'americas'), ('BS', 'americas'), ('BT', 'asia'), ('BV', 'antarctica'), ('BW', 'africa'), ('BY', 'europe'), ('BZ', 'americas'), ('CA', 'americas'), ('CC', 'asia'), ('CD', 'africa'),
    ('CF', 'africa'), ('CG', 'africa'), ('CH', 'europe'), ('CI', 'africa'), ('CK', 'oceania'), ('CL', 'americas'), ('CM', 'africa'), ('CN', 'asia'), ('CO', 'americas'), ('CR', 'americas'),
    ('CU', 'americas'), ('CV', 'africa'), ('CW', 'americas'), ('CX', 'asia'), ('CY', 'asia'), ('CZ', 'europe'), ('DE', 'europe'), ('DJ', 'africa'), ('DK', 'europe'), ('DM', 'americas'),
    ('DO', 'americas'), ('DZ', 'africa'), ('EC', 'americas'), ('EE', 'europe'), ('EG', 'africa'), ('EH', 'africa'), ('ER', 'africa'), ('ES', 'europe'), ('ET', 'africa'), ('FI', 'europe'),
    ('FJ', 'oceania'), ('FK', 'americas'), ('FM', 'oceania'), ('FO', 'europe'), ('FR', 'europe'), ('GA', 'africa'), ('GB', 'europe'), ('GD', 'americas'), ('GE', 'asia'), ('GF', 'americas'),
    ('GG', 'europe'), ('GH', 'africa'), ('GI', 'europe'), ('GL', 'americas'), ('GM', 'africa'), ('GN', 'africa'), ('GP', 'americas'), ('GQ', 'africa'), ('GR', 'europe'), ('GS', 'americas'),
    ('GT', 'americas'), ('GU', 'oceania'), ('GW', 'africa'), ('GY', 'americas'), ('HK', 'asia'), ('HM', 'antarctica'), ('HN', 'americas'), ('HR', 'europe'), ('HT', 'americas'), ('HU', 'europe'),
    ('ID', 'asia'), ('IE', 'europe'), ('IL', 'asia'), ('IM', 'europe'), ('IN', 'asia'), ('IO', 'asia'), ('IQ', 'asia'), ('IR', 'asia'), ('IS', 'europe'), ('IT', 'europe'),
    ('JE', 'europe'), ('JM', 'americas'), ('JO', 'asia'), ('JP', 'asia'), ('KE', 'africa'), ('KG', 'asia'), ('KH', 'asia'), ('KI', 'oceania'), ('KM', 'africa'), ('KN', 'americas'),
    ('KP', 'asia'), ('KR', 'asia'), ('KW', 'asia'), ('KY', 'americas'), ('KZ', 'asia'), ('LA', 'asia'), ('LB', 'asia'), ('LC', 'americas'), ('LI', 'europe'), ('LK', 'asia'),
    ('LR', 'africa'), ('LS', 'africa'), ('LT', 'europe'), ('LU', 'europe'), ('LV', 'europe'), ('LY', 'africa'), ('MA', 'africa'), ('MC', 'europe'), ('MD', 'europe'), ('ME', 'europe'),
    ('MF', 'americas'), ('MG', 'africa'), ('MH', 'oceania'), ('MK', 'europe'), ('ML', 'africa'), ('MM', 'asia'), ('MN', 'asia'), ('MO', 'asia'), ('MP', 'oceania'), ('MQ', 'americas'),
    ('MR', 'africa'), ('MS', 'americas'), ('MT', 'europe'), ('MU', 'africa'), ('MV', 'asia'), ('MW', 'africa'), ('MX', 'americas'), ('MY', 'asia'), ('MZ', 'africa'), ('NA', 'africa'),
    ('NC', 'oceania'), ('NE', 'africa'), ('NF', 'oceania'), ('NG', 'africa'), ('NI', 'americas'), ('NL', 'europe'), ('NO', 'europe'), ('NP', 'asia'), ('NR', 'oceania'), ('NU', 'oceania'),
    ('NZ', 'oceania'), ('OM', 'asia'), ('PA', 'americas'), ('PE', 'americas'), ('PF', 'oceania'), ('PG', 'oceania'), ('PH', 'asia'), ('PK', 'asia'), ('PL', 'europe'), ('PM', 'americas'),
    ('PN', 'oceania'), ('PR', 'americas'), ('PS', 'asia'), ('PT', 'europe'), ('PW', 'oceania'), ('PY', 'americas'), ('QA', 'asia'), ('RE', 'africa'), ('RO', 'europe'), ('RS', 'europe'),
    ('RU', 'europe'), ('RW', 'africa'), ('SA', 'asia'), ('SB', 'oceania'), ('SC', 'africa'), ('SD', 'africa'), ('SE', 'europe'), ('SG', 'asia'), ('SH', 'africa'), ('SI', 'europe'),
    ('SJ', 'europe'), ('SK', 'europe'), ('SL', 'africa'), ('SM', 'europe'), ('SN', 'africa'), ('SO', 'africa'), ('SR', 'americas'), ('SS', 'africa'), ('ST', 'africa'), ('SV', 'americas'),
    ('SX', 'americas'), ('SY', 'asia'), ('SZ', 'africa'), ('TC', 'americas'), ('TD', 'africa'), ('TF', 'africa'), ('TG', 'africa'), ('TH', 'asia'), ('TJ', 'asia'), ('TK', 'oceania'),
    ('TL', 'asia'), ('TM', 'asia'), ('TN', 'africa'), ('TO', 'oceania'), ('TR', 'asia'), ('TT', 'americas'), ('TV', 'oceania'), ('TW', 'asia'), ('TZ', 'africa'), ('UA', 'europe'),
    ('UG', 'africa'), ('UM', 'oceania'), ('US', 'americas'), ('UY', 'americas'), ('UZ', 'asia'), ('VA', 'europe'), ('VC', 'americas'), ('VE', 'americas'), ('VG', 'americas'), ('VI', 'americas'),
    ('VN', 'asia'), ('VU', 'oceania'), ('WF', 'oceania'), ('WS', 'oceania'), ('YE', 'asia'), ('YT', 'africa'), ('ZA', 'africa'), ('ZM', 'africa'), ('ZW', 'africa');

-- What members of other organisations see of this one beyond its names: 'listed' (whether it
-- appears to them at all), 'country', 'kind', 'thematic_areas', 'profile'. Its own members and
-- staff see everything. Organisations set it; until they do, everything is shown, as before.
ALTER TABLE organisations ADD COLUMN shown_to_members text[] NOT NULL DEFAULT '{listed,country,kind,thematic_areas,profile}'
    CHECK (shown_to_members <@ ARRAY['listed', 'country', 'kind', 'thematic_areas', 'profile']);
