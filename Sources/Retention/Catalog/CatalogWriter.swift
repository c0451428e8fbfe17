import Yams

extension RetentionCatalog {
    /// The catalog in the file format that ``init(yaml:file:)`` reads (without comments): reading
    /// it back gives this catalog.
    public func yaml() throws -> String {
        let root = Node.mapping(
            Node.Mapping([
                ("name", Node(name)),
                ("version", Node(version)),
                ("default_series", Node(defaultSeries)),
                ("series", Node.sequence(Node.Sequence(series.map(\.yamlNode)))),
            ]))
        return try Yams.serialize(node: root)
    }
}

extension RetentionSeries {
    fileprivate var yamlNode: Node {
        var pairs: [(Node, Node)] = [("dan", Node(dan))]
        if revision != 0 { pairs.append(("revision", Node(String(revision), Tag(.int)))) }
        let trigger: Node =
            switch self.trigger {
            case .communication: Node("communication")
            case .conversationClosed: Node("conversation_closed")
            case .requestClosed: Node("request_closed")
            case .event(let type): Node.mapping(Node.Mapping([("event", Node(type))]))
            }
        pairs += [
            ("title", Node(title)),
            ("description", Node(description)),
            ("retention", Node(retention.catalogText)),
            ("trigger", trigger),
            ("final_action", Node(finalAction.rawValue)),
            (
                "designation",
                Node.mapping(
                    Node.Mapping([
                        ("archival", Node(designation.archival.rawValue)),
                        ("essential", Node(String(designation.essential), Tag(.bool))),
                        ("office", Node(designation.office.rawValue)),
                    ]))
            ),
            ("confirmed", Node(String(confirmed), Tag(.bool))),
            ("two_person_approval", Node(String(twoPersonApproval), Tag(.bool))),
        ]
        return Node.mapping(Node.Mapping(pairs))
    }
}
