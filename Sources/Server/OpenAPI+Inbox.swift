// The OpenAPI fragment of the team inbox routes (InboxRoutes.swift; docs/api.md, "Team inbox").

extension OpenAPIDocument {
    static let inboxFragment = #"""
{
  "components": {
    "responses": {
      "InboxBadInput": {
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        },
        "description": "Not a conversation id (`code`: `invalid_conversation_id`) or not JSON (`code`: `invalid_json`)"
      },
      "InboxForbidden": {
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        },
        "description": "Your roles do not allow this (`code`: `forbidden`, `reason_required`)"
      },
      "InboxInvalidField": {
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        },
        "description": "A field is invalid; `field` names it (`code`: `invalid_field`)"
      }
    },
    "schemas": {
      "Assignment": {
        "additionalProperties": false,
        "properties": {
          "assignee": {
            "type": [
              "string",
              "null"
            ]
          },
          "team": {
            "type": "string"
          }
        },
        "required": [
          "assignee"
        ],
        "type": "object"
      },
      "InboxItem": {
        "properties": {
          "assignee": {
            "type": [
              "string",
              "null"
            ]
          },
          "id": {
            "type": "string"
          },
          "last_activity_at": {
            "format": "date-time",
            "type": "string"
          },
          "last_inbound_at": {
            "format": "date-time",
            "type": [
              "string",
              "null"
            ]
          },
          "phone_number_id": {
            "type": "string"
          },
          "read_position": {
            "minimum": 0,
            "type": "integer"
          },
          "state": {
            "enum": [
              "open",
              "pending",
              "closed",
              "reopened"
            ]
          },
          "team": {
            "type": [
              "string",
              "null"
            ]
          },
          "unread": {
            "minimum": 0,
            "type": "integer"
          },
          "window_closes_at": {
            "format": "date-time",
            "type": [
              "string",
              "null"
            ]
          },
          "window_open": {
            "description": "Whether the 24-hour customer-service window is open.",
            "type": "boolean"
          }
        },
        "required": [
          "id",
          "phone_number_id",
          "team",
          "assignee",
          "state",
          "unread",
          "read_position",
          "last_inbound_at",
          "last_activity_at",
          "window_open",
          "window_closes_at"
        ],
        "type": "object"
      },
      "InboxPage": {
        "properties": {
          "items": {
            "items": {
              "$ref": "#/components/schemas/InboxItem"
            },
            "type": "array"
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "items",
          "next_cursor"
        ],
        "type": "object"
      },
      "InboxState": {
        "properties": {
          "assignee": {
            "type": [
              "string",
              "null"
            ]
          },
          "conversation": {
            "type": "string"
          },
          "positions": {
            "items": {
              "type": "integer"
            },
            "type": "array"
          },
          "state": {
            "enum": [
              "open",
              "pending",
              "closed",
              "reopened"
            ]
          },
          "team": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "conversation",
          "team",
          "assignee",
          "state",
          "positions"
        ],
        "type": "object"
      },
      "NewNote": {
        "additionalProperties": false,
        "properties": {
          "text": {
            "maxLength": 4096,
            "minLength": 1,
            "type": "string"
          }
        },
        "required": [
          "text"
        ],
        "type": "object"
      },
      "Note": {
        "properties": {
          "author": {
            "type": "string"
          },
          "created_at": {
            "format": "date-time",
            "type": "string"
          },
          "note_id": {
            "type": "string"
          },
          "position": {
            "type": "integer"
          },
          "text": {
            "description": "Null when the payload is destroyed or sealed.",
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "note_id",
          "position",
          "author",
          "created_at",
          "text"
        ],
        "type": "object"
      },
      "NoteList": {
        "properties": {
          "conversation": {
            "type": "string"
          },
          "items": {
            "items": {
              "$ref": "#/components/schemas/Note"
            },
            "type": "array"
          }
        },
        "required": [
          "conversation",
          "items"
        ],
        "type": "object"
      },
      "ReadMark": {
        "properties": {
          "conversation": {
            "type": "string"
          },
          "position": {
            "type": "integer"
          },
          "read_position": {
            "type": "integer"
          }
        },
        "required": [
          "conversation",
          "read_position",
          "position"
        ],
        "type": "object"
      },
      "RoutingRule": {
        "additionalProperties": false,
        "properties": {
          "days": {
            "items": {
              "enum": [
                "mon",
                "tue",
                "wed",
                "thu",
                "fri",
                "sat",
                "sun"
              ]
            },
            "type": "array"
          },
          "from": {
            "pattern": "^[0-2][0-9]:[0-5][0-9]$",
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "keywords": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "phone_number_ids": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "team": {
            "type": "string"
          },
          "to": {
            "pattern": "^[0-2][0-9]:[0-5][0-9]$",
            "type": "string"
          }
        },
        "required": [
          "id",
          "team"
        ],
        "type": "object"
      },
      "RoutingRules": {
        "additionalProperties": false,
        "properties": {
          "default_team": {
            "type": "string"
          },
          "rules": {
            "items": {
              "$ref": "#/components/schemas/RoutingRule"
            },
            "type": "array"
          },
          "timezone": {
            "type": "string"
          }
        },
        "type": "object"
      },
      "RoutingRulesState": {
        "properties": {
          "position": {
            "type": [
              "integer",
              "null"
            ]
          },
          "rules": {
            "$ref": "#/components/schemas/RoutingRules"
          },
          "set_at": {
            "format": "date-time",
            "type": [
              "string",
              "null"
            ]
          },
          "set_by": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "rules",
          "position",
          "set_by",
          "set_at"
        ],
        "type": "object"
      },
      "StateChange": {
        "additionalProperties": false,
        "properties": {
          "state": {
            "enum": [
              "pending",
              "closed",
              "open"
            ]
          }
        },
        "required": [
          "state"
        ],
        "type": "object"
      }
    }
  },
  "paths": {
    "/v1/conversations/{id}/assignment": {
      "parameters": [
        {
          "$ref": "#/components/parameters/conversationID"
        }
      ],
      "post": {
        "description": "An agent may assign or unassign only themselves, within their own teams; a supervisor anyone, to any team. A new `team` is a transfer (`conversation.routed`, rule `transfer`).",
        "operationId": "assignConversation",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Assignment"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/InboxState"
                }
              }
            },
            "description": "Recorded (`positions` empty when nothing changed)."
          },
          "400": {
            "$ref": "#/components/responses/InboxBadInput"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Your roles do not allow this, or an agent assigning someone else or to another team (`code`: `forbidden`, `assignment_not_allowed`)"
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          },
          "422": {
            "$ref": "#/components/responses/InboxInvalidField"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Assign, unassign or transfer a conversation.",
        "tags": [
          "inbox"
        ]
      }
    },
    "/v1/conversations/{id}/notes": {
      "get": {
        "operationId": "listNotes",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/NoteList"
                }
              }
            },
            "description": "The notes, oldest first."
          },
          "400": {
            "$ref": "#/components/responses/InboxBadInput"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/InboxForbidden"
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "A conversation's internal notes, with their text (the access is recorded).",
        "tags": [
          "inbox"
        ]
      },
      "parameters": [
        {
          "$ref": "#/components/parameters/conversationID"
        }
      ],
      "post": {
        "operationId": "addNote",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewNote"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Note"
                }
              }
            },
            "description": "Recorded as `note.added`."
          },
          "400": {
            "$ref": "#/components/responses/InboxBadInput"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/InboxForbidden"
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          },
          "422": {
            "$ref": "#/components/responses/InboxInvalidField"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Add an internal note: a record, never sent to the citizen.",
        "tags": [
          "inbox"
        ]
      }
    },
    "/v1/conversations/{id}/read": {
      "parameters": [
        {
          "$ref": "#/components/parameters/conversationID"
        }
      ],
      "post": {
        "description": "Body `{\"position\": n}` (a ledger position of this conversation's messages), or no body: up to its latest message.",
        "operationId": "markConversationRead",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReadMark"
                }
              }
            },
            "description": "Recorded as `conversation.read_marked`."
          },
          "400": {
            "$ref": "#/components/responses/InboxBadInput"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/InboxForbidden"
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          },
          "422": {
            "$ref": "#/components/responses/InboxInvalidField"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Mark a conversation read for the caller.",
        "tags": [
          "inbox"
        ]
      }
    },
    "/v1/conversations/{id}/state": {
      "parameters": [
        {
          "$ref": "#/components/parameters/conversationID"
        }
      ],
      "post": {
        "operationId": "changeConversationState",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/StateChange"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/InboxState"
                }
              }
            },
            "description": "Recorded (`positions` empty when it already was in that state)."
          },
          "400": {
            "$ref": "#/components/responses/InboxBadInput"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/InboxForbidden"
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          },
          "422": {
            "$ref": "#/components/responses/InboxInvalidField"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Set a conversation pending, closed or open again.",
        "tags": [
          "inbox"
        ]
      }
    },
    "/v1/inbox": {
      "get": {
        "description": "Agents see only their teams' conversations; unread counts are the caller's.",
        "operationId": "listInbox",
        "parameters": [
          {
            "description": "Only this team's.",
            "in": "query",
            "name": "team",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "`open` (with `reopened`), `pending`, `closed` or `reopened`.",
            "in": "query",
            "name": "state",
            "required": false,
            "schema": {
              "enum": [
                "open",
                "pending",
                "closed",
                "reopened"
              ]
            }
          },
          {
            "description": "`me`, `none` (unassigned) or a user name.",
            "in": "query",
            "name": "assignee",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "`true`: only conversations with inbound messages the caller has not read.",
            "in": "query",
            "name": "unread",
            "required": false,
            "schema": {
              "enum": [
                "true",
                "false"
              ]
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/cursor"
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/InboxPage"
                }
              }
            },
            "description": "One page."
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "A bad parameter or cursor (`code`: `invalid_parameter`, `invalid_cursor`)"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/InboxForbidden"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "The team inbox: conversations within the caller's scope, newest activity first.",
        "tags": [
          "inbox"
        ]
      }
    },
    "/v1/routing/rules": {
      "get": {
        "operationId": "getRoutingRules",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RoutingRulesState"
                }
              }
            },
            "description": "The rule set and the entry that set it (none: everything to `general`)."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/InboxForbidden"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "The routing rules in force.",
        "tags": [
          "inbox"
        ]
      },
      "put": {
        "operationId": "setRoutingRules",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RoutingRules"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RoutingRulesState"
                }
              }
            },
            "description": "Recorded."
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Not JSON (`code`: `invalid_json`)"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/InboxForbidden"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "A rule is invalid; `field` names it, e.g. `rules[0].from` (`code`: `invalid_field`)"
          }
        },
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Replace the routing rules (recorded as `routing.rules.set`).",
        "tags": [
          "inbox"
        ]
      }
    }
  },
  "tags": [
    {
      "description": "The team inbox: routing, assignment, states, notes, read marks (docs/api.md, \"Team inbox\").",
      "name": "inbox"
    }
  ]
}
"""#
}
