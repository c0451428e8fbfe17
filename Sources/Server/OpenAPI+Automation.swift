extension OpenAPIDocument {
    /// `GET`/`PUT /v1/automation-rules` and `GET /v1/search` (docs/api.md, "Automation rules", "Search").
    static let automationFragment = #"""
    {
      "tags": [{"name": "automation"}, {"name": "search"}],
      "paths": {
        "/v1/automation-rules": {
          "get": {
            "operationId": "getAutomationRules",
            "tags": ["automation"],
            "security": [{"staffToken": []}, {"session": []}],
            "summary": "The automation rules in force (automatic acknowledgements, out-of-hours replies) and the business hours.",
            "responses": {
              "200": {
                "description": "The rule set; `position`, `set_at` and `set_by` are null when none was ever set.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AutomationRulesRecorded"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/AutomationForbidden"}
            }
          },
          "put": {
            "operationId": "setAutomationRules",
            "tags": ["automation"],
            "security": [{"staffToken": []}, {"session": []}],
            "summary": "Replaces the whole rule set; recorded as automation.rules.set with the caller as actor.",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AutomationRules"}}}
            },
            "responses": {
              "200": {
                "description": "The rule set now in force.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AutomationRulesRecorded"}}}
              },
              "400": {
                "description": "The body is not JSON (`code` `invalid_json`).",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/AutomationForbidden"},
              "413": {
                "description": "The body is larger than 1 MiB (`code` `body_too_large`).",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
              },
              "422": {
                "description": "A rule or the business hours are invalid (`code` `invalid_field`; `field` names it, e.g. `rules[0].text`).",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
              }
            }
          }
        },
        "/v1/search": {
          "get": {
            "operationId": "searchMessages",
            "tags": ["search"],
            "security": [{"staffToken": []}, {"session": []}],
            "summary": "Messages holding every word of `q` (case and accents ignored), within the caller's conversations, newest first; masked above the caller's clearance. Recorded as access.viewed.",
            "parameters": [
              {"name": "q", "in": "query", "required": true, "description": "The words to find (at most 200 characters, 10 words; at least one word of 2 or more letters or digits).", "schema": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u0008\\u000A-\\u001F]*[^\\W_]{2}[^\\u0000-\\u0008\\u000A-\\u001F]*$"}},
              {"name": "conversation", "in": "query", "description": "Only this conversation (an `id` from GET /v1/conversations; not base64url: 400 `invalid_parameter`; no conversation of yours: 404 `no_conversation`).", "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}},
              {"name": "limit", "in": "query", "description": "Hits per page (default 20).", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
              {"$ref": "#/components/parameters/cursor"}
            ],
            "responses": {
              "200": {
                "description": "A page of hits.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResults"}}}
              },
              "400": {
                "description": "A bad query, parameter or cursor (`code`: `invalid_parameter` with `field`, `invalid_cursor`).",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {
                "description": "The caller's roles do not allow content search, or only with a stated reason (`code` `forbidden`, `reason_required`).",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
              },
              "503": {
                "description": "No master key, so no index (`code` `search_unavailable`), or the access could not be recorded (`access_not_recorded`).",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
              }
            }
          }
        }
      },
      "components": {
        "responses": {
          "AutomationForbidden": {
            "description": "The caller's roles do not allow automation.manage (`code` `forbidden`).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          }
        },
        "schemas": {
          "AutomationRule": {
            "type": "object",
            "required": ["id", "kind", "text"],
            "additionalProperties": false,
            "properties": {
              "id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$", "description": "Unique in the set; the reply's actor is `rule:<id>`."},
              "kind": {"type": "string", "enum": ["acknowledgement", "out_of_hours"]},
              "text": {"type": "string", "minLength": 1, "maxLength": 4096, "description": "The reply sent to the citizen."},
              "phone_number_id": {"type": ["string", "null"], "pattern": "^[0-9]{1,64}$", "description": "Only this business number's conversations; null: every number."},
              "enabled": {"type": "boolean", "default": true}
            }
          },
          "OpeningInterval": {
            "type": "object",
            "required": ["open", "close"],
            "additionalProperties": false,
            "properties": {
              "open": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
              "close": {"type": "string", "pattern": "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"}
            }
          },
          "BusinessHours": {
            "type": "object",
            "required": ["timezone", "weekly"],
            "additionalProperties": false,
            "properties": {
              "timezone": {"type": "string", "description": "An IANA time zone, e.g. `America/Los_Angeles`."},
              "weekly": {
                "type": "object",
                "additionalProperties": false,
                "description": "Opening intervals per weekday in local time; a missing or empty day is closed.",
                "properties": {
                  "monday": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningInterval"}},
                  "tuesday": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningInterval"}},
                  "wednesday": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningInterval"}},
                  "thursday": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningInterval"}},
                  "friday": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningInterval"}},
                  "saturday": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningInterval"}},
                  "sunday": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningInterval"}}
                }
              }
            }
          },
          "AutomationRules": {
            "type": "object",
            "required": ["rules"],
            "additionalProperties": false,
            "properties": {
              "rules": {"type": "array", "maxItems": 50, "items": {"$ref": "#/components/schemas/AutomationRule"}},
              "business_hours": {"oneOf": [{"$ref": "#/components/schemas/BusinessHours"}, {"type": "null"}], "description": "Required when an enabled out_of_hours rule exists."}
            }
          },
          "AutomationRulesRecorded": {
            "type": "object",
            "required": ["rules", "business_hours", "position", "set_at", "set_by"],
            "properties": {
              "rules": {"type": "array", "items": {"$ref": "#/components/schemas/AutomationRule"}},
              "business_hours": {"oneOf": [{"$ref": "#/components/schemas/BusinessHours"}, {"type": "null"}]},
              "position": {"type": ["integer", "null"], "description": "The automation.rules.set entry."},
              "set_at": {"type": ["string", "null"], "format": "date-time"},
              "set_by": {"type": ["string", "null"], "description": "Its actor, e.g. `staff:robin`."}
            }
          },
          "SearchHit": {
            "type": "object",
            "required": ["position", "conversation", "direction", "occurred_at", "text", "masked", "category"],
            "properties": {
              "position": {"type": "integer", "description": "The message's ledger position."},
              "conversation": {"type": "string", "description": "The conversation's `id` (path form)."},
              "direction": {"type": "string", "enum": ["inbound", "outbound"]},
              "occurred_at": {"type": "string", "format": "date-time"},
              "text": {"type": ["string", "null"], "description": "The message's text; masked above the caller's clearance; null when withheld."},
              "masked": {"type": "boolean"},
              "category": {"type": "integer", "minimum": 1, "maximum": 4, "description": "The data category (OCIO 141.10)."}
            }
          },
          "SearchResults": {
            "type": "object",
            "required": ["items"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
              "next_cursor": {"type": "string"}
            }
          }
        }
      }
    }
    """#
}
