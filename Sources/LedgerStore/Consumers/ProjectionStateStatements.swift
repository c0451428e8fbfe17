import PostgresNIO

// The projection runner's bookkeeping statements, prepared once per connection: every lane runs
// them on every wake-up, and PostgreSQL spent longer planning them than running them
// (`pg_stat_statements` with `track_planning` under `bench ingest`: 204 µs planning against
// 356 µs running the idle move, 81 against 175 µs reading the state, 69 against 76 µs storing it).
// Their plans do not depend on the values: primary-key lookups and range scans.

/// A projection's stored version and last position and its ledger's head, the state row locked
/// until the transaction ends; no row before the projection's first run.
struct LockedProjectionStateStatement: PostgresPreparedStatement {
    static let name = "recordkeeper_projection_state_lock_v1"
    static let sql = """
        SELECT s.version, s.last_position, h.position
        FROM projection_state s JOIN ledger_heads h ON h.ledger_id = s.ledger_id
        WHERE s.projection = $1 AND s.ledger_id = $2
        FOR UPDATE OF s
        """
    typealias Row = (Int, Int64, Int64)

    var projection: String
    var ledgerID: Int32

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(projection)
        bindings.append(ledgerID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Stores a projection's version and last position after a batch.
struct StoreProjectionStateStatement: PostgresPreparedStatement {
    static let name = "recordkeeper_projection_state_store_v1"
    static let sql = """
        UPDATE projection_state SET version = $1, last_position = $2, updated_at = now()
        WHERE projection = $3 AND ledger_id = $4
        """
    typealias Row = ()

    var version: Int
    var lastPosition: Int64
    var projection: String
    var ledgerID: Int32

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(version)
        bindings.append(lastPosition)
        bindings.append(projection)
        bindings.append(ledgerID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws {}
}

/// Moves each named projection (at its stored version) with no entry of its event types between
/// its last position and the head straight to the head; returns the projections moved. A
/// projection already at the head is "moved" too (its row rewritten as it is): the caller's
/// status may be older than the row, and such a projection has nothing to step.
///
/// Each projection's event types are `types[first:last]` of one flat array. The probe is a scalar
/// subquery with `LIMIT 1`, which PostgreSQL runs per projection as a range scan of the primary key
/// from its position to the head. Written as `NOT EXISTS` it became an anti-join that read every
/// entry of the ledger through another index (26 ms a call in `bench all`, against about 1 ms).
///
/// A row locked by a transaction (a projection being stepped, by this process's lanes or another
/// worker's own catch-up) is skipped, not waited for (`SKIP LOCKED`): the caller steps it, and that
/// step waits for the lock and rechecks. Waiting here held back every other projection of the
/// statement, and PostgreSQL once found it deadlocked with a step's `SELECT … FOR UPDATE` (it
/// cancels one of the two after `deadlock_timeout`); a statement that never waits for a lock
/// cannot be part of a deadlock.
struct AdvanceIdleProjectionsStatement: PostgresPreparedStatement {
    static let name = "recordkeeper_projection_advance_idle_v2"
    static let sql = """
        WITH idle AS (
            SELECT s.projection, h.position
            FROM projection_state s
            JOIN ledger_heads h ON h.ledger_id = s.ledger_id
            JOIN unnest($2::text[], $3::int4[], $4::int4[], $5::int4[]) AS p(name, version, first, last)
              ON s.projection = p.name AND s.version = p.version
            WHERE s.ledger_id = $1 AND h.ledger_id = $1 AND s.last_position <= h.position
              AND (SELECT e.position FROM ledger_entries e
                   WHERE e.ledger_id = $1 AND e.position > s.last_position AND e.position <= h.position
                     AND e.event_type = ANY (($6::text[])[p.first:p.last])
                   LIMIT 1) IS NULL
            FOR UPDATE OF s SKIP LOCKED)
        UPDATE projection_state s SET last_position = idle.position, updated_at = now()
        FROM idle WHERE s.ledger_id = $1 AND s.projection = idle.projection
        RETURNING s.projection
        """
    typealias Row = String

    var ledgerID: Int32
    var names: [String]
    var versions: [Int32]
    var firsts: [Int32]
    var lasts: [Int32]
    var types: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 6)
        bindings.append(ledgerID)
        bindings.append(names)
        bindings.append(versions)
        bindings.append(firsts)
        bindings.append(lasts)
        bindings.append(types)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}
