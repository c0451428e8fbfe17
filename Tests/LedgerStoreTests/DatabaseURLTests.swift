import PostgresNIO
import Testing

@testable import LedgerStore

@Suite("DATABASE_URL parsing")
struct DatabaseURLTests {
    @Test("user, percent-encoded password, host, port, database")
    func parses() throws {
        let url = try DatabaseURL("postgres://svc:p%40ss%2Fw@127.0.0.1:6543/records")
        #expect(url.username == "svc")
        #expect(url.password == "p@ss/w")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 6543)
        #expect(url.database == "records")
        #expect(url.sslMode == .disable)
        #expect(!url.description.contains("p@ss"), "the password must never be printed")
    }

    @Test("remote hosts default to verified TLS and refuse to go without it")
    func remoteNeedsTLS() throws {
        #expect(try DatabaseURL("postgresql://u:p@db.example.org/r").sslMode == .verifyFull)
        #expect(try DatabaseURL("postgres://u:p@db.example.org/r?sslmode=require").sslMode == .require)
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://u:p@db.example.org/r?sslmode=disable") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://u:p@10.0.0.5/r?sslmode=prefer") }
    }

    @Test("a unix socket directory as libpq's host parameter")
    func unixSocket() throws {
        let url = try DatabaseURL("postgres://u@/r?host=/var/run/postgresql")
        #expect(url.unixSocketDirectory == "/var/run/postgresql")
        #expect(url.sslMode == .disable)
        #expect(try url.clientConfiguration().unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test(
        "malformed URLs get a message that says what is missing",
        arguments: [
            "mysql://u:p@h/db", "postgres://h/db", "postgres://u:p@h:5432", "postgres://u:p@h/db?sslmode=sometimes", "postgres://u:p@h/db?foo=1",
        ])
    func malformed(text: String) {
        #expect(throws: DatabaseURLError.self) { try DatabaseURL(text) }
    }
}
