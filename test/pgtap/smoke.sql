-- Smoke test: the extension installs into schema chronos.
SELECT plan(1);
SELECT has_schema('chronos');
SELECT * FROM finish();
