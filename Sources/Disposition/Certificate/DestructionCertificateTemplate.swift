/// The printable page of a destruction certificate: a Mustache template whose every `{{ }}`
import Retention

/// value is HTML-escaped (`&`, `<`, `>`, `"`, `'`). Accessible and self-contained: a language, a
/// title, one `h1`, tables with captions and header cells with a scope, print styles, no
/// script and nothing loaded from elsewhere. ``DestructionCertificate/html()`` fills it.
enum DestructionCertificateTemplate {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Certificate of records destruction: {{heading}}</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; background: #fff; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
        h1 { font-size: 1.6rem; margin-bottom: .25rem; }
        h2 { font-size: 1.2rem; margin-top: 2rem; }
        table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
        caption { text-align: left; font-weight: bold; font-size: 1.1rem; padding: .5rem 0; }
        th, td { border: 1px solid #444; padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        thead th, tbody th { background: #f0f0f0; }
        tbody th { width: 30%; font-weight: 600; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #444; padding: .5rem; font-size: .9rem; }
        .notice { border: 2px solid #8a1c1c; color: #111; padding: .5rem 1rem; }
        .signature { margin-top: 2.5rem; }
        .signature p { border-top: 1px solid #111; width: 22rem; max-width: 100%; padding-top: .25rem; margin-top: 2.5rem; }
        @media print {
          body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
          thead th, tbody th { background: none; }
          thead { display: table-header-group; }
          tr, pre, .notice { break-inside: avoid; }
          h2 { break-after: avoid; }
        }
        </style>
        </head>
        <body>
        <main>
        <h1>Certificate of records destruction</h1>
        <p>{{heading}}. Ledger <strong>{{ledger}}</strong>; produced {{generatedAt}}.</p>
        {{^complete}}<p class="notice" role="note"><strong>This destruction is not complete.</strong> {{status}}</p>{{/complete}}
        <table>
        <caption>Destruction log (State Archives fields)</caption>
        <tbody>
        {{#fields}}<tr><th scope="row">{{label}}</th><td>{{value}}</td></tr>
        {{/fields}}</tbody>
        </table>
        <table>
        <caption>Records destroyed: {{recordCount}}</caption>
        <thead>
        <tr><th scope="col">Record</th><th scope="col">Month</th><th scope="col">Kind</th><th scope="col">Messages</th><th scope="col">Ledger entries</th><th scope="col">First entry</th><th scope="col">Last entry</th><th scope="col">Destroyed by position</th></tr>
        </thead>
        <tbody>
        {{#records}}<tr><th scope="row">{{id}}</th><td>{{period}}</td><td>{{kind}}</td><td class="number">{{messages}}</td><td class="number">{{entries}}</td><td>{{firstAt}}</td><td>{{lastAt}}</td><td class="number">{{destroyedBy}}</td></tr>
        {{/records}}{{^records}}<tr><td colspan="8">No record was destroyed under this authority.</td></tr>
        {{/records}}</tbody>
        </table>
        <table>
        <caption>Ledger entries cited</caption>
        <thead>
        <tr><th scope="col">Position</th><th scope="col">Event</th><th scope="col">What it records</th></tr>
        </thead>
        <tbody>
        {{#citations}}<tr><th scope="row">{{position}}</th><td>{{eventType}}</td><td>{{what}}</td></tr>
        {{/citations}}</tbody>
        </table>
        <h2>Signed checkpoint</h2>
        {{#checkpoint}}<p>Checkpoint {{id}} (tree size {{treeSize}}, signed {{createdAt}}) covers every ledger entry cited above: anyone holding this signed note can check that those entries, as printed here, are part of the ledger and were not changed since. The note, exactly as stored:</p>
        <pre>{{note}}</pre>
        {{/checkpoint}}{{^checkpoint}}<p class="notice" role="note">{{checkpointText}}</p>
        {{/checkpoint}}<section class="signature" aria-label="Signature">
        <h2>Records officer</h2>
        <p>Signature and date</p>
        </section>
        </main>
        </body>
        </html>

        """
}
