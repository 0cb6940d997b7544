"""The database schema, as SQLAlchemy Core tables shared by SQLite and PostgreSQL.

Alembic migrations (``kosmochron/migrations``) create exactly these tables; the
full-text index is dialect-specific and lives only in the migration and in
:mod:`kosmochron.store.search`.

Entries keep their raw text and every top-level text node is kept in
``source_texts``, so a stored source renders back byte for byte.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.expression import FromClause, Join

from .packing import PackedText
from .rawtext import RawText

metadata = MetaData()

#: The source under which GCAT's launch list is stored, written as a chronology
#: (see :mod:`kosmochron.store.gcat_import`).
GCAT_SOURCE = "gcat"

#: A JSON column (``jsonb`` in PostgreSQL): the GCAT tables keep each row's columns as
#: read, in file order, so both databases can query them (``json_each``, ``jsonb``).
FieldList = JSON().with_variant(JSONB(), "postgresql")


def _entity(name: str) -> Table:
    """A normalised name (a site, a vehicle, a program …) with its URL slug."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", Text, nullable=False, unique=True),
        Column("slug", String(200), nullable=False, unique=True),
    )


sites = _entity("sites")
complexes = _entity("complexes")
lv_families = _entity("lv_families")
vehicles = _entity("vehicles")
configurations = _entity("configurations")
programs = _entity("programs")
agencies = _entity("agencies")
nations = _entity("nations")
spacecraft_types = _entity("spacecraft_types")
#: The state a launch is credited to (GCAT: the state of its agency, from orgs.tsv).
states = _entity("states")

#: Entity kind (as used in CLI options and URLs) -> table.
ENTITY_TABLES: dict[str, Table] = {
    "site": sites,
    "complex": complexes,
    "family": lv_families,
    "vehicle": vehicles,
    "configuration": configurations,
    "program": programs,
    "agency": agencies,
    "nation": nations,
    "type": spacecraft_types,
    "state": states,
}

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False, unique=True),
    Column("sha256", String(64), nullable=False),
    Column("title", Text),
    Column("encoding", String(40), nullable=False),
    Column("bom", Boolean, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("entry_count", Integer, nullable=False),
    Column("launch_count", Integer, nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("error_count", Integer, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

#: Top-level text between entries (page furniture, titles, blank lines).
source_texts = Table(
    "source_texts",
    metadata,
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"),
           primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("line", Integer, nullable=False),
    Column("raw", RawText, nullable=False),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("line", Integer, nullable=False),
    Column("end_line", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("date_text", Text, nullable=False),
    Column("date_precision", String(10), nullable=False),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("time_utc", String(8)),
    Column("site_id", Integer, ForeignKey("sites.id")),
    Column("complex_id", Integer, ForeignKey("complexes.id")),
    Column("lv_family_id", Integer, ForeignKey("lv_families.id")),
    Column("vehicle_id", Integer, ForeignKey("vehicles.id")),
    Column("configuration_id", Integer, ForeignKey("configurations.id")),
    Column("outcome", String(10)),
    Column("failure", Text),
    Column("failed_stage", Text),
    Column("has_errors", Boolean, nullable=False),
    #: The entry's source text, packed (:mod:`.packing`): the fields, items and
    #: narrative in source order, every byte; re-parsed for the model and its JSON.
    Column("raw", PackedText, nullable=False),
    #: The header's ``State`` (GCAT's launching state) and ``Launch Code`` (``OF40``).
    Column("state_id", Integer, ForeignKey("states.id")),
    Column("launch_code", String(12)),
    #: The header's ``Agency``: the launching agency (GCAT's launch agency, ``RVSN``);
    #: a payload's agency is its item's.  An id of ``agencies`` with no FOREIGN KEY
    #: (ingest assigns it, a source's deletion keeps the agencies its entries name):
    #: SQLite adds a referencing column to a table in place but cannot drop it again
    #: without copying ``entries``, which the ON DELETE CASCADE of its items forbids.
    Column("agency_id", Integer),
    #: The header's ``Launch Tag`` (GCAT's launch an entry of the source ``gcat`` is).
    Column("launch_tag", String(20)),
    #: A launch another source tells too and that does not count (``kind`` is then
    #: ``merged``): the entry that counts for it.  See :mod:`kosmochron.store.merge`
    #: (which undoes merges before a source is deleted, so no ON DELETE is needed).
    Column("merged_into", Integer, ForeignKey("entries.id")),
    UniqueConstraint("source_id", "seq"),
    Index("ix_entries_date", "date_start", "date_end"),
    # The columns the statistics, facets and timelines read, so that their scans read
    # this index instead of the rows (each with its text: 12 times the bytes).
    Index("ix_entries_scan", "kind", "date_start", "outcome", "lv_family_id", "failed_stage",
          "site_id", "merged_into"),
    # kind and date_start too: a family's list counts and sorts from the index alone.
    Index("ix_entries_family_outcome", "lv_family_id", "outcome", "kind", "date_start"),
    # Each with the kind: a facet counts an entity's entries from its index alone.
    Index("ix_entries_vehicle", "vehicle_id", "kind"),
    Index("ix_entries_site", "site_id", "kind"),
    Index("ix_entries_complex", "complex_id", "kind"),
    Index("ix_entries_configuration", "configuration_id", "kind"),
    Index("ix_entries_state", "state_id", "kind"),
    Index("ix_entries_failed_stage", "failed_stage", "kind"),
    Index("ix_entries_launch_code", "launch_code", "kind"),
    Index("ix_entries_agency", "agency_id", "kind"),
    Index("ix_entries_merged_into", "merged_into"),
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("line", Integer, nullable=False),
    Column("end_line", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("payload", Text),
    Column("mass_kg", Float),
    Column("mass_lb", Float),
    Column("nation_id", Integer, ForeignKey("nations.id")),
    Column("agency_id", Integer, ForeignKey("agencies.id")),
    Column("program_id", Integer, ForeignKey("programs.id")),
    Column("class", Text),
    Column("type_id", Integer, ForeignKey("spacecraft_types.id")),
    Column("spacecraft", Text),
    Column("decay_date", Date),
    Column("satcat", Integer),
    Column("cospar", Text),
    Column("cospar_kind", String(12)),
    Column("cospar_normalized", Text),
    Column("cospar_gcat", Text),
    Column("apogee_km", Float),
    Column("perigee_km", Float),
    Column("inclination_deg", Float),
    Column("period_min", Float),
    Column("duration_days", Float),
    Column("summary", Text),
    Column("narrative", Text),
    #: The launch part of the designator in GCAT's spelling (``1971-049`` of ``1971-049A``,
    #: ``1962 B IOT`` of ``1962 B IOT 1``, ``F601010`` of ``F601010A``): a launch's payloads.
    Column("cospar_launch", Text),
    #: The name folded (:func:`kosmochron.suggest.fold`): ``mars-3`` finds Mars 3.
    Column("name_key", Text),
    Index("ix_items_entry", "entry_id"),
    # (program, nation, agency and type with the entry: the filters and facets on them
    # read the index alone.)
    Index("ix_items_cospar_launch", "cospar_launch"),
    Index("ix_items_name_key", "name_key"),
    Index("ix_items_type", "type_id", "entry_id"),
    Index("ix_items_satcat", "satcat"),
    Index("ix_items_cospar", "cospar"),
    Index("ix_items_cospar_gcat", "cospar_gcat"),
    Index("ix_items_program", "program_id", "entry_id"),
    Index("ix_items_nation", "nation_id", "entry_id"),
    Index("ix_items_agency", "agency_id", "entry_id"),
    Index("ix_items_name", "name"),
)

diagnostics = Table(
    "diagnostics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE")),
    Column("severity", String(10), nullable=False),
    Column("line", Integer, nullable=False),
    Column("column", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_diagnostics_source", "source_id"),
    Index("ix_diagnostics_entry", "entry_id"),
)

#: GCAT's payload catalog (J. McDowell, planet4589.org, CC-BY 4.0), as imported.
gcat_payloads = Table(
    "gcat_payloads",
    metadata,
    Column("jcat", String(12), primary_key=True),
    Column("satcat", Integer),
    Column("piece", Text),
    Column("name", Text),
    Column("launch_date_text", Text),
    Column("launch_date", Date),
    Column("program", Text),
    Column("class", Text),
    Column("category", Text),
    Column("result", Text),
    Column("un_state", Text),
    Column("un_reg", Text),
    Column("comment", Text),
    #: The last contact (``TLast``, GCAT's text) and the days it allows; the orbit the
    #: launching state registered with the UN (km, km, degrees), or for a row of satcat
    #: (``catalog``) the orbit that catalog gives.
    Column("t_last", Text),
    Column("t_last_start", Date),
    Column("t_last_end", Date),
    Column("un_perigee_km", Float),
    Column("un_apogee_km", Float),
    Column("un_inc_deg", Float),
    #: The launch the object belongs to (``1962 B IOT``), and the catalog it came
    #: from (``psatcat`` or ``satcat``).
    Column("launch_tag", Text),
    Column("catalog", String(12)),
    #: Every column as GCAT wrote it, by header name (to read the row again).
    Column("columns", FieldList),
    Index("ix_gcat_satcat", "satcat"),
    Index("ix_gcat_piece", "piece"),
    Index("ix_gcat_launch_tag", "launch_tag"),
)

#: Which GCAT row an item is, and how that was decided.
gcat_links = Table(
    "gcat_links",
    metadata,
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("jcat", String(12), ForeignKey("gcat_payloads.jcat", ondelete="CASCADE"),
           nullable=False),
    Column("matched_by", String(12), nullable=False),
    Index("ix_gcat_links_jcat", "jcat"),
)

#: Dated mission events read from a payload's narrative (:mod:`kosmochron.events`).
#: Filled lazily, one payload at a time on its first request (reading every
#: narrative at ingest would triple the ingest time); ``seq`` is the event's
#: place in the item, ``line``/``column``/``end_column`` its span in the source.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("date_text", Text),
    Column("date_precision", String(10)),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("year_inferred", Boolean, nullable=False),
    Column("body", Text),
    Column("distance_km", Float),
    Column("detail", String(20)),
    Column("line", Integer, nullable=False),
    Column("column", Integer, nullable=False),
    Column("end_column", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("rule", String(40), nullable=False),
    UniqueConstraint("item_id", "seq"),
)

#: Computed transfer data, keyed by what it is a pure function of ("Mars:1971-05-19":
#: the porkchop window around that launch date), as JSON text; a payload's page then
#: never waits for the same grid twice.  Rows are not tied to any source: the same
#: window serves every launch on that day, whatever file it came from.
transfer_cache = Table(
    "transfer_cache",
    metadata,
    Column("key", Text, primary_key=True),
    Column("data", Text, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

#: Store-wide settings: ``prefer`` (which source counts for a launch told twice).
settings = Table(
    "settings",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

#: The GCAT files imported, one per kind (a newer file of a kind replaces the older).
gcat_files = Table(
    "gcat_files",
    metadata,
    Column("kind", String(12), primary_key=True),
    Column("path", Text, nullable=False),
    Column("format", String(20), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("updated", Text),
    Column("rows", Integer, nullable=False),
    Column("bad_rows", Integer, nullable=False),
    #: The file's column names, in order (its layout, to read stored rows again).
    Column("header", FieldList, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

#: Rows of a GCAT file that could not be read, kept as written (nothing is lost).
gcat_rejects = Table(
    "gcat_rejects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(12), ForeignKey("gcat_files.kind", ondelete="CASCADE"),
           nullable=False),
    Column("line", Integer, nullable=False),
    Column("severity", String(10), nullable=False),
    Column("column", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("raw", Text),
    Index("ix_gcat_rejects_kind", "kind"),
)

#: GCAT's launch list as typed rows; ``entry_id`` is the launch written as a chronology
#: entry (source ``gcat``), which is what every view reads.
gcat_launches = Table(
    "gcat_launches",
    metadata,
    Column("tag", String(20), primary_key=True),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="SET NULL")),
    Column("line", Integer, nullable=False),
    Column("date_text", Text, nullable=False),
    Column("date_precision", String(10), nullable=False),
    Column("uncertain", Boolean, nullable=False),
    Column("starts_at", DateTime),
    Column("ends_at", DateTime),
    Column("time_utc", String(8)),
    Column("jd", Float),
    Column("lv_type", Text),
    Column("variant", Text),
    Column("family", Text),
    Column("flight_id", Text),
    Column("flight", Text),
    Column("mission", Text),
    Column("platform", Text),
    Column("site", Text),
    Column("pad", Text),
    Column("ascent_site", Text),
    Column("ascent_pad", Text),
    Column("apogee_km", Float),
    Column("orbital_payload_t", Float),
    Column("agency", Text),
    Column("state", Text),
    Column("launch_code", String(12)),
    Column("category", String(2)),
    Column("result", String(2)),
    Column("score", Float),
    Column("fail_code", String(20)),
    Column("failed_stage", String(4)),
    Column("failure", Text),
    Column("group_code", Text),
    Column("launch_category", Text),
    Column("lt_cite", Text),
    Column("cite", Text),
    Column("notes", Text),
    Column("columns", FieldList, nullable=False),
    Index("ix_gcat_launches_entry", "entry_id"),
    Index("ix_gcat_launches_start", "starts_at"),
)

#: GCAT's sites, organisations and launch vehicles, as typed rows.
gcat_sites = Table(
    "gcat_sites",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", Text),
    Column("short_name", Text),
    Column("english_name", Text),
    Column("state_code", Text),
    Column("type", String(12)),
    Column("longitude", Float),
    Column("latitude", Float),
    Column("error_deg", Float),
    Column("start_text", Text),
    Column("stop_text", Text),
    Column("columns", FieldList, nullable=False),
)
gcat_orgs = Table(
    "gcat_orgs",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", Text),
    Column("short_name", Text),
    Column("english_name", Text),
    Column("state_code", Text),
    Column("type", Text),
    Column("parent", Text),
    Column("columns", FieldList, nullable=False),
)
gcat_vehicles = Table(
    "gcat_vehicles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("variant", Text),
    Column("family", Text),
    Column("manufacturer", Text),
    Column("min_stage", Integer),
    Column("max_stage", Integer),
    Column("launch_mass_t", Float),
    Column("leo_capacity_kg", Float),
    Column("gto_capacity_kg", Float),
    Column("columns", FieldList, nullable=False),
    Index("ix_gcat_vehicles_name", "name"),
)

#: One launch told by two sources: an entry (Astronautix) and the GCAT launch it
#: describes, and how the match was made (see :mod:`kosmochron.reconcile`).
launch_links = Table(
    "launch_links",
    metadata,
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("gcat_entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"),
           nullable=False),
    Column("tag", String(20), nullable=False),
    Column("matched_by", String(16), nullable=False),
    Column("how", Text, nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_launch_links_gcat", "gcat_entry_id"),
)


def with_sources(picked: FromClause) -> Join:
    """``picked`` (entries, or items joined to their entries, chosen by id) joined to
    each entry's source.  LEFT joins, though every item has its entry and every entry
    its source, so the rows are the same: they keep the picked rows the outer loop.
    As inner joins SQLite's planner could read them from the (one or few) sources and
    then every entry of each, seeking each entry's items among the ids: with 1,635
    payload ids on the 100,000-launch database that took 7.9 s instead of 24 ms, and a
    crowded launch window's page answered 503 too_slow."""
    return picked.outerjoin(sources, sources.c.id == entries.c.source_id)


def items_with_sources() -> Join:
    """Items joined to their entries and sources (see :func:`with_sources`)."""
    return with_sources(items.outerjoin(entries, entries.c.id == items.c.entry_id))
