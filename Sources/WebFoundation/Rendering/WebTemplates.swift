import Foundation
import Mustache

/// The pages' Mustache templates (`Sources/WebFoundation/Templates/*.mustache`), read and parsed once at
/// startup into one `MustacheLibrary`: a page names its template, and templates include one
/// another as partials (`{{> field}}`).
///
/// `{{name}}` is HTML-escaped; `{{{name}}}` is not, and is used only for HTML the pages made
/// themselves (the layout's `content`).
package struct WebTemplates: Sendable {
    /// The templates the frame itself renders; a missing one stops the service at startup.
    static let required = ["layout", "error", "field", "signin", "home", "account", "totp-enrolled", "inbox"]

    let library: MustacheLibrary

    /// Reads every `.mustache` file of `directory`.
    /// - Throws: ``WebResourceError`` naming a template that is missing, unreadable or does not parse.
    init(directory: URL) throws(WebResourceError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }.sorted()
        } catch {
            throw WebResourceError("the page templates cannot be listed in \(directory.path): \(error)")
        }
        var library = MustacheLibrary()
        for file in names {
            let name = String(file.dropLast(".mustache".count))
            let text: String
            do {
                text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            } catch {
                throw WebResourceError("the page template \(file) cannot be read: \(error)")
            }
            do {
                try library.register(text, named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw WebResourceError(
                    "the page template \(file) is broken at line \(error.context.lineNumber), column \(error.context.columnNumber): \(error.error)")
            } catch {
                throw WebResourceError("the page template \(file) is broken: \(error)")
            }
        }
        for name in Self.required where library.getTemplate(named: name) == nil {
            throw WebResourceError("the page template \(name).mustache is missing from \(directory.path)")
        }
        self.library = library
    }

    /// Whether a template of this name was loaded.
    func contains(_ name: String) -> Bool { library.getTemplate(named: name) != nil }

    /// The template `name` rendered with `context` (dictionaries, arrays, strings, numbers and
    /// booleans); empty for a template that does not exist (``required`` are checked at startup).
    package func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}
