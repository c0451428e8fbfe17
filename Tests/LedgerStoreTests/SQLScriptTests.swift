import Testing

@testable import LedgerStore
@testable import SchemaMigrator

@Suite("Splitting migration files into statements")
struct SQLScriptTests {
    @Test("semicolons inside strings, identifiers, dollar quotes and comments do not split")
    func quoting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE "odd;name" (v text DEFAULT 'a;b''c');
            /* block; /* nested; */ still comment; */
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
            BEGIN RETURN 1; END
            $body$;
            SELECT $$x;y$$;;
            SELECT 1
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix(#"CREATE TABLE "odd;name" (v text DEFAULT 'a;b''c')"#))
        #expect(statements[1].contains("BEGIN RETURN 1; END"))
        #expect(statements[1].hasSuffix("$body$"))
        #expect(statements[2] == "SELECT $$x;y$$")
        #expect(statements[3] == "SELECT 1")
    }

    @Test("a file of comments only has no statements")
    func commentsOnly() {
        #expect(SQLScript.statements(in: "-- nothing\n/* here */\n").isEmpty)
    }
}
