-- The chipwatch store. Built in one go from datasets; read-only for everything else.
-- `record` holds each source, entity and claim exactly as validated (JSON), for lossless export.
CREATE TABLE meta (key VARCHAR, value VARCHAR);
CREATE TABLE sources (
  id VARCHAR, title VARCHAR, author VARCHAR, publisher VARCHAR, date VARCHAR,
  language VARCHAR, kind VARCHAR, url VARCHAR, held VARCHAR, sha256 VARCHAR,
  cited_in VARCHAR, footnote INTEGER, licence VARCHAR, note VARCHAR, dataset VARCHAR,
  record VARCHAR);
CREATE TABLE entities (
  id VARCHAR, type VARCHAR, country VARCHAR, label_en VARCHAR, label_zh VARCHAR,
  note VARCHAR, dataset VARCHAR, record VARCHAR);
CREATE TABLE names (entity_id VARCHAR, name VARCHAR, lang VARCHAR, kind VARCHAR, key VARCHAR);
CREATE TABLE identifiers (
  entity_id VARCHAR, scheme VARCHAR, value VARCHAR, source VARCHAR, locator VARCHAR, quote VARCHAR);
CREATE TABLE claims (
  id VARCHAR, subject VARCHAR, predicate VARCHAR, object VARCHAR,
  value_json VARCHAR, value_num DOUBLE, value_min DOUBLE, value_max DOUBLE, value_text VARCHAR,
  unit VARCHAR, approx BOOLEAN, as_written VARCHAR, qualifiers VARCHAR,
  valid_from VARCHAR, valid_to VARCHAR, from_date DATE, to_date DATE,
  status VARCHAR, tags VARCHAR[], note VARCHAR, chapter VARCHAR, dataset VARCHAR,
  record VARCHAR);
CREATE TABLE evidence (
  claim_id VARCHAR, seq INTEGER, source VARCHAR, locator VARCHAR, quote VARCHAR, translation VARCHAR);
-- Every entity a claim mentions (subject, object, entity-valued qualifiers), for lookups by entity.
CREATE TABLE claim_entities (claim_id VARCHAR, entity_id VARCHAR, role VARCHAR);
-- Sanctions lists: each import is a dated version; entries, their names and relations.
CREATE TABLE list_versions (id VARCHAR, kind VARCHAR, path VARCHAR, date VARCHAR, imported_at VARCHAR,
  entries INTEGER, relations INTEGER, skipped INTEGER);
CREATE TABLE list_entries (version VARCHAR, list_id VARCHAR, schema VARCHAR, caption VARCHAR,
  programs VARCHAR[], countries VARCHAR[], identifiers VARCHAR, addresses VARCHAR[], remarks VARCHAR,
  listed_on VARCHAR, record VARCHAR);
CREATE TABLE list_names (version VARCHAR, list_id VARCHAR, name VARCHAR, kind VARCHAR);
CREATE TABLE list_relations (version VARCHAR, id VARCHAR, kind VARCHAR, owner VARCHAR, asset VARCHAR,
  share_pct DOUBLE, start_date VARCHAR, end_date VARCHAR);
-- The persistent name index of each list version (and of the knowledge graph, version 'kb'):
-- built at import (and by build), read by screening (chipwatch.screening.index). Each version's
-- own tables are named with its prefix (nix1_keys, nix1_df, ...).
CREATE TABLE name_index_meta (version VARCHAR, prefix VARCHAR, names INTEGER, max_df INTEGER, unknown_w DOUBLE);
CREATE TABLE name_index_blobs (version VARCHAR, data VARCHAR);  -- small indexes whole, as JSON
CREATE TABLE token_symbols (token VARCHAR, symbols VARCHAR[]);
