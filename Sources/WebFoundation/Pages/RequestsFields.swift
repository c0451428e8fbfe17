/// A labelled `<select>` (`requests-choice.mustache`) or `<textarea>` (`requests-textarea.mustache`)
/// with its hint and an error tied to it, as ``FormField`` is for inputs. First written for the
/// request pages, used by every area's forms.
package struct RequestsField {
    package var id: String
    package var label: String
    /// The `name` the form posts it under; the id when nil.
    package var name: String?
    package var value: String
    package var hint: String?
    package var error: String?
    package var required: Bool
    /// For a `<select>`: its options (value, title); the one equal to ``value`` is selected.
    package var options: [(value: String, title: String)]
    /// For a `<textarea>`: its height in lines.
    package var rows: Int

    package init(
        id: String, label: String, name: String? = nil, value: String = "", hint: String? = nil, error: String? = nil, required: Bool = true,
        options: [(value: String, title: String)] = [], rows: Int = 4
    ) {
        self.id = id
        self.label = label
        self.name = name
        self.value = value
        self.hint = hint
        self.error = error
        self.required = required
        self.options = options
        self.rows = rows
    }

    package var context: [String: Any] {
        var context: [String: Any] = [
            "id": id, "name": name ?? id, "label": label, "value": value, "required": required, "rows": rows,
            "options": options.map { ["value": $0.value, "title": $0.title, "selected": $0.value == value] },
        ]
        var described: [String] = []
        if let hint {
            context["hint"] = ["text": hint]
            described.append("\(id)-hint")
        }
        if let error {
            context["error"] = ["text": error]
            described.append("\(id)-error")
        }
        if !described.isEmpty { context["describedBy"] = ["text": described.joined(separator: " ")] }
        return context
    }
}
