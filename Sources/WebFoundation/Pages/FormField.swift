/// One labelled input of a form, as the `field` template renders it: its label, an optional
/// hint, and an error tied to the input with `aria-describedby` and `aria-invalid`.
package struct FormField {
    package var id: String
    package var label: String
    package var type: String
    /// The `name` the form posts it under; the id when nil.
    package var name: String?
    package var value: String
    package var autocomplete: String?
    package var inputMode: String?
    package var hint: String?
    package var error: String?
    package var required: Bool
    /// Ids of other elements that describe it (a form-level error).
    package var describedBy: [String]

    package init(
        id: String, label: String, type: String = "text", name: String? = nil, value: String = "", autocomplete: String? = nil,
        inputMode: String? = nil, hint: String? = nil, error: String? = nil, required: Bool = true, describedBy: [String] = []
    ) {
        self.id = id
        self.label = label
        self.type = type
        self.name = name
        self.value = value
        self.autocomplete = autocomplete
        self.inputMode = inputMode
        self.hint = hint
        self.error = error
        self.required = required
        self.describedBy = describedBy
    }

    /// The template's context.
    package var context: [String: Any] {
        var context: [String: Any] = [
            "id": id, "name": name ?? id, "label": label, "type": type, "value": type == "password" ? "" : value, "required": required,
        ]
        var described = describedBy
        if let hint {
            context["hint"] = ["text": hint]
            described.append("\(id)-hint")
        }
        if let error {
            context["error"] = ["text": error]
            context["invalid"] = true
            described.append("\(id)-error")
        }
        if let autocomplete { context["autocomplete"] = ["text": autocomplete] }
        if let inputMode { context["inputmode"] = ["text": inputMode] }
        if !described.isEmpty { context["describedBy"] = ["text": described.joined(separator: " ")] }
        return context
    }
}
