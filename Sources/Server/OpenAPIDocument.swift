// The OpenAPI 3.1 document of the HTTP API (docs/api.md), served at `GET /openapi.json`.
//
// It is JSON in a raw string so that it ships inside the binary (no resource bundle to deploy).
// Edit it here, in step with docs/api.md and the routes: Tests/ServerTests/OpenAPIDocumentTests.swift
// validates it (openapi-spec-validator), checks that it names exactly the routes the application
// registers, and validates real responses against its schemas (jsonschema, Draft 2020-12).
// Schemas are JSON Schema 2020-12, as OpenAPI 3.1 uses it (`"type": ["string", "null"]`).

public enum OpenAPIDocument {
    /// The core of the document, with `info.version` = ``RecordkeeperServer/version``;
    /// ``json`` adds the ``fragments``.
    static let core: String = #"""
{
  "openapi": "3.1.0",
  "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
  "info": {
    "title": "Recordkeeper",
    "version": "\#(RecordkeeperServer.version)",
    "summary": "Public-records archive of an agency's WhatsApp conversations.",
    "description": "The HTTP API of Recordkeeper (docs/api.md). `/v1` routes are versioned; `/graph` is a Graph-API-compatible recording proxy. Errors are RFC 9457 problem details, except under `/graph`, where they are shaped like Meta's."
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8080",
      "description": "The default listen address (RECORDKEEPER_HTTP_HOST:RECORDKEEPER_HTTP_PORT)."
    }
  ],
  "security": [
    {
      "staffToken": []
    },
    {
      "session": []
    }
  ],
  "tags": [
    {
      "name": "health"
    },
    {
      "name": "meta"
    },
    {
      "name": "whatsapp"
    },
    {
      "name": "auditing"
    },
    {
      "name": "conversations"
    },
    {
      "name": "sending"
    },
    {
      "name": "graph proxy"
    }
  ],
  "paths": {
    "/healthz": {
      "get": {
        "operationId": "healthz",
        "tags": [
          "health"
        ],
        "summary": "The process is alive and its appends complete (no database query).",
        "security": [],
        "responses": {
          "200": {
            "description": "Alive.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "503": {
            "description": "An append has waited longer than RECORDKEEPER_APPEND_STALL_SECONDS for its commit: restart the process.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "readyz",
        "tags": [
          "health"
        ],
        "summary": "The database answers and every migration is applied.",
        "security": [],
        "responses": {
          "200": {
            "description": "Ready.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Readiness"
                }
              }
            }
          },
          "503": {
            "description": "Not ready: the database is unreachable or migrations are pending.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Readiness"
                }
              }
            }
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "tags": [
          "meta"
        ],
        "summary": "This document.",
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "openapi",
                    "info",
                    "paths"
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/webhooks/whatsapp": {
      "get": {
        "operationId": "whatsappWebhookHandshake",
        "tags": [
          "whatsapp"
        ],
        "summary": "Meta's subscription handshake (served only when an app secret is configured).",
        "security": [],
        "parameters": [
          {
            "name": "hub.mode",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "hub.verify_token",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "hub.challenge",
            "in": "query",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "`hub.challenge`, exactly.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "403": {
            "description": "Not `subscribe`, a wrong verify token, or none configured.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "post": {
        "operationId": "whatsappWebhookDelivery",
        "tags": [
          "whatsapp"
        ],
        "summary": "A delivery signed by Meta; answered 200 only after its events are committed.",
        "security": [],
        "parameters": [
          {
            "name": "X-Hub-Signature-256",
            "in": "header",
            "required": true,
            "description": "`sha256=<hex HMAC-SHA256 of the body, keyed with the app secret>`",
            "schema": {
              "type": "string",
              "pattern": "^sha256=[0-9a-f]{64}$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "Meta's webhook payload (`object`, `entry`)."
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Recorded (`{\"status\":\"recorded\",…}`), or signed but not a WhatsApp delivery (recorded as unparsed).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebhookRecorded"
                }
              }
            }
          },
          "401": {
            "description": "Missing, malformed or wrong signature (`code`: `invalid_signature`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "413": {
            "description": "Body over 3.5 MiB (`code`: `body_too_large`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "503": {
            "description": "Not committed in time (`not_recorded`); Meta retries.",
            "headers": {
              "Retry-After": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/v1/ledgers/{ledger}/checkpoint": {
      "parameters": [
        {
          "$ref": "#/components/parameters/ledger"
        }
      ],
      "get": {
        "operationId": "getCheckpoint",
        "tags": [
          "auditing"
        ],
        "security": [],
        "summary": "The ledger's newest signed checkpoint, a C2SP signed note.",
        "responses": {
          "200": {
            "description": "The signed note, exactly as stored.",
            "content": {
              "text/plain; charset=utf-8": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadLedger"
          },
          "404": {
            "description": "No such ledger, or no checkpoint yet (`code`: `no_ledger`, `no_checkpoint`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/v1/ledgers/{ledger}/proofs/inclusion": {
      "parameters": [
        {
          "$ref": "#/components/parameters/ledger"
        }
      ],
      "get": {
        "operationId": "getInclusionProof",
        "tags": [
          "auditing"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "The RFC 9162 inclusion proof of an entry.",
        "parameters": [
          {
            "name": "position",
            "in": "query",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          },
          {
            "name": "size",
            "in": "query",
            "description": "Tree size (default: the whole ledger).",
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The proof.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/InclusionProof"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadLedger"
          },
          "404": {
            "$ref": "#/components/responses/NoLedger"
          },
          "422": {
            "$ref": "#/components/responses/OutOfRange"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/ledgers/{ledger}/proofs/consistency": {
      "parameters": [
        {
          "$ref": "#/components/parameters/ledger"
        }
      ],
      "get": {
        "operationId": "getConsistencyProof",
        "tags": [
          "auditing"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "The RFC 9162 consistency proof between two tree sizes.",
        "parameters": [
          {
            "name": "from",
            "in": "query",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          },
          {
            "name": "to",
            "in": "query",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The proof.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConsistencyProof"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadLedger"
          },
          "404": {
            "$ref": "#/components/responses/NoLedger"
          },
          "422": {
            "$ref": "#/components/responses/OutOfRange"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/ledgers/{ledger}/entries/{position}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/ledger"
        },
        {
          "name": "position",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer",
            "minimum": 1
          }
        }
      ],
      "get": {
        "operationId": "getEntry",
        "tags": [
          "auditing"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "An entry's header fields and hashes, never its payload.",
        "responses": {
          "200": {
            "description": "The entry header.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EntryHeader"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadLedger"
          },
          "404": {
            "description": "No such ledger or entry (`code`: `no_ledger`, `no_entry`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/OutOfRange"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ]
      }
    },
    "/v1/conversations": {
      "get": {
        "operationId": "listConversations",
        "tags": [
          "conversations"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Conversations, newest activity first.",
        "parameters": [
          {
            "name": "phone_number_id",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "since",
            "in": "query",
            "description": "Last message at or after (RFC 3339).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "until",
            "in": "query",
            "description": "Last message before (RFC 3339).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of conversations.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConversationList"
                }
              }
            }
          },
          "400": {
            "description": "A bad parameter or cursor (`code`: `invalid_parameter`, `invalid_cursor`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/conversations/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/conversationID"
        }
      ],
      "get": {
        "operationId": "getConversation",
        "tags": [
          "conversations"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "One conversation, with its streams and citizen keys.",
        "responses": {
          "200": {
            "description": "The conversation.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConversationDetail"
                }
              }
            }
          },
          "400": {
            "description": "Not one of our ids (`code`: `invalid_conversation_id`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ]
      }
    },
    "/v1/conversations/{id}/messages": {
      "parameters": [
        {
          "$ref": "#/components/parameters/conversationID"
        }
      ],
      "get": {
        "operationId": "listMessages",
        "tags": [
          "conversations"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "The conversation's messages in ledger order, with their content.",
        "parameters": [
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of the timeline.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Timeline"
                }
              }
            }
          },
          "400": {
            "description": "A bad id, parameter or cursor (`code`: `invalid_conversation_id`, `invalid_parameter`, `invalid_cursor`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "operationId": "sendMessage",
        "tags": [
          "sending"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Records a send request; the dispatcher sends it to Meta.",
        "parameters": [
          {
            "name": "Idempotency-Key",
            "in": "header",
            "description": "1–200 visible ASCII characters (e.g. a UUID): a retry with the same key and body gets the first answer (`replayed: true`).",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 200,
              "pattern": "^[!-~]+$"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SendRequest"
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "Recorded; the dispatcher sends it.",
            "headers": {
              "Location": {
                "$ref": "#/components/headers/Location"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SendAccepted"
                }
              }
            }
          },
          "400": {
            "description": "Not JSON, a bad id or a bad Idempotency-Key (`code`: `invalid_json`, `invalid_conversation_id`, `invalid_idempotency_key`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NoConversation"
          },
          "413": {
            "description": "Over 256 KiB (`code`: `body_too_large`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "Refused: an invalid field (with `field`), the 24-hour window closed (with `window_closed_at`), or an Idempotency-Key reused with another body (`code`: `invalid_field`, `window_closed`, `idempotency_key_reused`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/sends/{position}": {
      "parameters": [
        {
          "name": "position",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer",
            "minimum": 1
          }
        }
      ],
      "get": {
        "operationId": "getSend",
        "tags": [
          "sending"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Where a send request stands.",
        "responses": {
          "200": {
            "description": "The request's status.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SendStatus"
                }
              }
            }
          },
          "400": {
            "description": "Not a position (`code`: `invalid_position`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "No send request there (`code`: `no_send_request`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ]
      }
    },
    "/v1/media": {
      "post": {
        "operationId": "uploadMedia",
        "tags": [
          "sending"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "Uploads a file to Meta (recorded before it is forwarded) so that it can be sent by id.",
        "parameters": [
          {
            "name": "phone_number_id",
            "in": "query",
            "required": true,
            "description": "The business number's phone number id (Meta's id: letters, digits, `.`, `_`, `-`).",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_.-]{1,256}$"
            }
          },
          {
            "name": "filename",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "requestBody": {
          "required": true,
          "description": "The file itself, at least one byte (an empty body: 400 `empty_file`), sent with the file's own `Content-Type` (`image/jpeg`, `application/pdf`, …; not multipart: 415 `content_type_required`).",
          "content": {
            "application/octet-stream": {
              "schema": {
                "type": "string",
                "format": "binary",
                "minLength": 1
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Uploaded.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MediaUploaded"
                }
              }
            }
          },
          "400": {
            "description": "No phone_number_id, or an empty file (`code`: `invalid_parameter`, `empty_file`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "413": {
            "description": "Over 64 MiB (`code`: `body_too_large`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "415": {
            "description": "No file type, or a multipart body (`code`: `content_type_required`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "502": {
            "description": "Meta refused the upload (with `graph_error_code`) (`code`: `upload_refused`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "504": {
            "description": "No answer from Meta (`code`: `no_answer`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "description": "No admin token or Graph token configured, or the ledger unavailable (`code`: `not_configured`, `ledger_unavailable`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/media/{media_id}": {
      "parameters": [
        {
          "name": "media_id",
          "in": "path",
          "required": true,
          "description": "Meta's media id.",
          "schema": {
            "type": "string",
            "maxLength": 200
          }
        }
      ],
      "get": {
        "operationId": "getMedia",
        "tags": [
          "conversations"
        ],
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "summary": "An archived media's original bytes, as a download.",
        "responses": {
          "200": {
            "description": "The bytes, `Content-Type` as Meta gave it, `Content-Disposition: attachment`.",
            "headers": {
              "X-Recordkeeper-Position": {
                "schema": {
                  "type": "integer"
                }
              },
              "X-Recordkeeper-SHA256": {
                "schema": {
                  "type": "string",
                  "pattern": "^[0-9a-f]{64}$"
                }
              },
              "Content-Disposition": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "*/*": {
                "schema": {
                  "type": "string",
                  "contentMediaType": "application/octet-stream"
                }
              }
            }
          },
          "400": {
            "description": "An empty or too long id (`code`: `invalid_media_id`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "Not archived yet, not archivable, or unknown (`code`: `media_pending`, `media_unavailable`, `no_media`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "410": {
            "description": "Lawfully destroyed (`code`: `media_destroyed`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ]
      }
    },
    "/graph/{version}/{id}/messages": {
      "parameters": [
        {
          "$ref": "#/components/parameters/graphVersion"
        },
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The phone number id.",
          "schema": {
            "type": "string"
          }
        }
      ],
      "post": {
        "operationId": "graphSendMessage",
        "tags": [
          "graph proxy"
        ],
        "security": [
          {
            "integrationToken": []
          }
        ],
        "summary": "Graph-compatible: send a message (recorded, then forwarded to Meta).",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "Meta's message body, forwarded byte for byte."
              }
            }
          }
        },
        "responses": {
          "400": {
            "$ref": "#/components/responses/GraphBadRequest"
          },
          "401": {
            "$ref": "#/components/responses/GraphUnauthorized"
          },
          "413": {
            "$ref": "#/components/responses/GraphTooLarge"
          },
          "502": {
            "$ref": "#/components/responses/GraphUnreachable"
          },
          "503": {
            "$ref": "#/components/responses/GraphNotRecorded"
          },
          "504": {
            "$ref": "#/components/responses/GraphTimeout"
          },
          "default": {
            "$ref": "#/components/responses/GraphProxied"
          }
        }
      }
    },
    "/graph/{version}/{id}/media": {
      "parameters": [
        {
          "$ref": "#/components/parameters/graphVersion"
        },
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The phone number id.",
          "schema": {
            "type": "string"
          }
        }
      ],
      "post": {
        "operationId": "graphUploadMedia",
        "tags": [
          "graph proxy"
        ],
        "security": [
          {
            "integrationToken": []
          }
        ],
        "summary": "Graph-compatible: upload media (multipart; recorded, then forwarded).",
        "requestBody": {
          "required": true,
          "content": {
            "multipart/form-data": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "400": {
            "$ref": "#/components/responses/GraphBadRequest"
          },
          "401": {
            "$ref": "#/components/responses/GraphUnauthorized"
          },
          "413": {
            "$ref": "#/components/responses/GraphTooLarge"
          },
          "502": {
            "$ref": "#/components/responses/GraphUnreachable"
          },
          "503": {
            "$ref": "#/components/responses/GraphNotRecorded"
          },
          "504": {
            "$ref": "#/components/responses/GraphTimeout"
          },
          "default": {
            "$ref": "#/components/responses/GraphProxied"
          }
        }
      }
    },
    "/graph/{version}/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/graphVersion"
        },
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The media id.",
          "schema": {
            "type": "string"
          }
        }
      ],
      "get": {
        "operationId": "graphMediaMetadata",
        "tags": [
          "graph proxy"
        ],
        "security": [
          {
            "integrationToken": []
          }
        ],
        "summary": "Graph-compatible: a media's download URL.",
        "parameters": [
          {
            "name": "phone_number_id",
            "in": "query",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "400": {
            "$ref": "#/components/responses/GraphBadRequest"
          },
          "401": {
            "$ref": "#/components/responses/GraphUnauthorized"
          },
          "413": {
            "$ref": "#/components/responses/GraphTooLarge"
          },
          "502": {
            "$ref": "#/components/responses/GraphUnreachable"
          },
          "503": {
            "$ref": "#/components/responses/GraphNotRecorded"
          },
          "504": {
            "$ref": "#/components/responses/GraphTimeout"
          },
          "default": {
            "$ref": "#/components/responses/GraphProxied"
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Problem": {
        "type": "object",
        "properties": {
          "type": {
            "type": "string",
            "format": "uri",
            "description": "`https://recordkeeper.invalid/problems/<code>`"
          },
          "title": {
            "type": "string"
          },
          "status": {
            "type": "integer",
            "minimum": 400,
            "maximum": 599
          },
          "detail": {
            "type": "string"
          },
          "code": {
            "type": "string",
            "pattern": "^[a-z_]+$",
            "description": "Stable, for scripts."
          },
          "field": {
            "type": "string",
            "description": "The offending field of a send request (`invalid_field`), e.g. `text.body`."
          },
          "window_closed_at": {
            "type": "string",
            "format": "date-time",
            "description": "When the 24-hour customer-service window closed (`window_closed`)."
          },
          "graph_error_code": {
            "type": "string",
            "description": "Meta's error code (`upload_refused`)."
          }
        },
        "required": [
          "type",
          "title",
          "status",
          "detail",
          "code"
        ],
        "additionalProperties": {
          "type": "string"
        },
        "description": "RFC 9457 problem details. Extension members are strings."
      },
      "Health": {
        "type": "object",
        "properties": {
          "status": {
            "enum": [
              "ok",
              "append_stalled"
            ]
          },
          "version": {
            "type": "string"
          },
          "append_wait_seconds": {
            "type": "number",
            "minimum": 0,
            "description": "How long the oldest append still waiting for its commit has waited (0: none waits)."
          }
        },
        "required": [
          "status",
          "version",
          "append_wait_seconds"
        ],
        "additionalProperties": false
      },
      "Readiness": {
        "type": "object",
        "properties": {
          "ready": {
            "type": "boolean"
          },
          "database": {
            "type": "string",
            "description": "`ok` or `unreachable`"
          },
          "pending_migrations": {
            "type": "array",
            "items": {
              "type": "integer"
            }
          },
          "projections": {
            "type": "array",
            "description": "Where each projection stands in each ledger; `behind` is the lag in entries. Informational: lag does not make the service unready.",
            "items": {
              "type": "object",
              "properties": {
                "projection": {
                  "type": "string"
                },
                "ledger": {
                  "type": "string"
                },
                "version": {
                  "type": "integer"
                },
                "stored_version": {
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "last_position": {
                  "type": "integer"
                },
                "head_position": {
                  "type": "integer"
                },
                "behind": {
                  "type": "integer",
                  "minimum": 0
                },
                "updated_at": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "needs_rebuild": {
                  "type": "boolean"
                }
              },
              "required": [
                "projection",
                "ledger",
                "behind"
              ]
            }
          }
        },
        "required": [
          "ready",
          "database",
          "pending_migrations",
          "projections"
        ],
        "additionalProperties": false
      },
      "WebhookRecorded": {
        "type": "object",
        "properties": {
          "status": {
            "const": "recorded"
          },
          "events": {
            "type": "integer",
            "minimum": 0
          },
          "new": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "status",
          "events",
          "new"
        ],
        "additionalProperties": false
      },
      "InclusionProof": {
        "type": "object",
        "properties": {
          "type": {
            "const": "inclusion"
          },
          "ledger": {
            "type": "string"
          },
          "position": {
            "type": "integer",
            "minimum": 1
          },
          "leaf_index": {
            "type": "integer",
            "minimum": 0
          },
          "tree_size": {
            "type": "integer",
            "minimum": 1
          },
          "entry_hash": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "leaf_hash": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "root_hash": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "proof": {
            "type": "array",
            "items": {
              "type": "string",
              "pattern": "^[0-9a-f]{64}$"
            }
          }
        },
        "required": [
          "type",
          "ledger",
          "position",
          "leaf_index",
          "tree_size",
          "entry_hash",
          "leaf_hash",
          "root_hash",
          "proof"
        ],
        "additionalProperties": false
      },
      "ConsistencyProof": {
        "type": "object",
        "properties": {
          "type": {
            "const": "consistency"
          },
          "ledger": {
            "type": "string"
          },
          "from_size": {
            "type": "integer",
            "minimum": 0
          },
          "to_size": {
            "type": "integer",
            "minimum": 0
          },
          "from_root": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "to_root": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "proof": {
            "type": "array",
            "items": {
              "type": "string",
              "pattern": "^[0-9a-f]{64}$"
            }
          }
        },
        "required": [
          "type",
          "ledger",
          "from_size",
          "to_size",
          "from_root",
          "to_root",
          "proof"
        ],
        "additionalProperties": false
      },
      "EntryHeader": {
        "type": "object",
        "properties": {
          "ledger": {
            "type": "string"
          },
          "position": {
            "type": "integer",
            "minimum": 1
          },
          "event_id": {
            "type": "string",
            "format": "uuid"
          },
          "stream": {
            "type": "string"
          },
          "event_type": {
            "type": "string"
          },
          "occurred_at_us": {
            "type": "integer"
          },
          "recorded_at_us": {
            "type": "integer"
          },
          "actor": {
            "type": "string"
          },
          "dedupe_key": {
            "type": [
              "string",
              "null"
            ],
            "description": "Absent (or null) when the entry has none."
          },
          "header": {
            "type": "string",
            "description": "The retained header, a JSON text."
          },
          "payload_commitment": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "prev_hash": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "entry_hash": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "leaf_hash": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          }
        },
        "required": [
          "ledger",
          "position",
          "event_id",
          "stream",
          "event_type",
          "occurred_at_us",
          "recorded_at_us",
          "actor",
          "header",
          "payload_commitment",
          "prev_hash",
          "entry_hash",
          "leaf_hash"
        ],
        "additionalProperties": false
      },
      "Conversation": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]+$",
            "description": "base64url of `stream`"
          },
          "stream": {
            "type": "string"
          },
          "phone_number_id": {
            "type": "string"
          },
          "display_phone_number": {
            "type": "string"
          },
          "wa_id": {
            "type": "string"
          },
          "user_id": {
            "type": "string"
          },
          "profile_name": {
            "type": "string"
          },
          "first_message_at": {
            "type": "string",
            "format": "date-time"
          },
          "last_message_at": {
            "type": "string",
            "format": "date-time"
          },
          "last_inbound_at": {
            "type": "string",
            "format": "date-time"
          },
          "last_activity_at": {
            "type": "string",
            "format": "date-time"
          },
          "message_count": {
            "type": "integer",
            "minimum": 0
          },
          "streams": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Only on GET /v1/conversations/{id}."
          },
          "citizen_keys": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Only on GET /v1/conversations/{id}."
          },
          "category": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 1,
            "maximum": 4,
            "description": "The highest data category (OCIO 141.10) of its classified messages; null while none is classified."
          }
        },
        "required": [
          "id",
          "stream",
          "phone_number_id",
          "last_activity_at",
          "message_count"
        ],
        "additionalProperties": false
      },
      "ConversationDetail": {
        "allOf": [
          {
            "$ref": "#/components/schemas/Conversation"
          },
          {
            "required": [
              "streams",
              "citizen_keys"
            ]
          }
        ]
      },
      "ConversationList": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Conversation"
            }
          },
          "next_cursor": {
            "type": "string"
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "MessageContent": {
        "description": "The message's content, read from the ledger.",
        "oneOf": [
          {
            "type": "object",
            "properties": {
              "state": {
                "const": "available"
              },
              "message": {
                "type": "object",
                "description": "The message object exactly as Meta sent it, or the Graph request body as sent."
              },
              "profile": {
                "type": "object"
              }
            },
            "required": [
              "state",
              "message"
            ],
            "additionalProperties": false
          },
          {
            "type": "object",
            "properties": {
              "state": {
                "const": "destroyed"
              },
              "destroyed_by": {
                "type": "integer",
                "minimum": 1
              }
            },
            "required": [
              "state",
              "destroyed_by"
            ],
            "additionalProperties": false
          },
          {
            "type": "object",
            "properties": {
              "state": {
                "const": "sealed"
              }
            },
            "required": [
              "state"
            ],
            "additionalProperties": false
          },
          {
            "type": "object",
            "properties": {
              "state": {
                "const": "unavailable"
              },
              "reason": {
                "type": "string"
              }
            },
            "required": [
              "state",
              "reason"
            ],
            "additionalProperties": false
          },
          {
            "type": "object",
            "description": "Not shown at your clearance (docs/access.md, \"Masking\").",
            "properties": {
              "state": {
                "const": "withheld"
              },
              "reason": {
                "type": "string"
              }
            },
            "required": [
              "state"
            ],
            "additionalProperties": false
          }
        ]
      },
      "TimelineItem": {
        "type": "object",
        "properties": {
          "position": {
            "type": "integer",
            "minimum": 1
          },
          "stream": {
            "type": "string"
          },
          "message_id": {
            "type": "string"
          },
          "direction": {
            "enum": [
              "inbound",
              "outbound"
            ]
          },
          "type": {
            "type": "string"
          },
          "occurred_at": {
            "type": "string",
            "format": "date-time"
          },
          "status": {
            "type": "string",
            "description": "Outbound: requested, accepted, held_for_quality_assessment, paused, sent, failed, delivered, read, played."
          },
          "status_at": {
            "type": "string",
            "format": "date-time"
          },
          "request_id": {
            "type": "string"
          },
          "error_code": {
            "type": "integer"
          },
          "content": {
            "$ref": "#/components/schemas/MessageContent"
          },
          "category": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 1,
            "maximum": 4,
            "description": "The message's data category; null until classified."
          },
          "classification_reasons": {
            "type": [
              "array",
              "null"
            ],
            "items": {
              "type": "string"
            },
            "description": "What the detectors found (`ssn`, `health`, …), never the text."
          },
          "masked": {
            "type": "boolean",
            "description": "The content was masked for your clearance (docs/access.md)."
          }
        },
        "required": [
          "position",
          "stream",
          "message_id",
          "direction",
          "occurred_at",
          "content",
          "masked"
        ],
        "additionalProperties": false
      },
      "Timeline": {
        "type": "object",
        "properties": {
          "conversation": {
            "type": "string"
          },
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TimelineItem"
            }
          },
          "next_cursor": {
            "type": "string"
          }
        },
        "required": [
          "conversation",
          "items"
        ],
        "additionalProperties": false
      },
      "SendAccepted": {
        "type": "object",
        "properties": {
          "request_id": {
            "type": "string"
          },
          "position": {
            "type": "integer",
            "minimum": 1
          },
          "kind": {
            "type": "string"
          },
          "status": {
            "const": "requested"
          },
          "status_url": {
            "type": "string",
            "pattern": "^/v1/sends/[0-9]+$"
          },
          "replayed": {
            "type": "boolean"
          }
        },
        "required": [
          "request_id",
          "position",
          "kind",
          "status",
          "status_url",
          "replayed"
        ],
        "additionalProperties": false
      },
      "SendStatus": {
        "type": "object",
        "properties": {
          "request_id": {
            "type": "string"
          },
          "position": {
            "type": "integer",
            "minimum": 1
          },
          "conversation": {
            "type": "string"
          },
          "kind": {
            "type": "string"
          },
          "status": {
            "type": "string"
          },
          "status_at": {
            "type": "string",
            "format": "date-time"
          },
          "message_id": {
            "type": "string"
          },
          "error_code": {
            "type": "integer"
          },
          "attempts": {
            "type": "integer",
            "minimum": 0
          },
          "next_attempt_at": {
            "type": "string",
            "format": "date-time"
          },
          "last_error": {
            "type": "string"
          }
        },
        "required": [
          "request_id",
          "position",
          "status",
          "attempts"
        ],
        "additionalProperties": false
      },
      "MediaUploaded": {
        "type": "object",
        "properties": {
          "media_id": {
            "type": "string"
          },
          "request_position": {
            "type": "integer",
            "minimum": 1
          },
          "outcome_position": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 1
          }
        },
        "required": [
          "media_id",
          "request_position"
        ],
        "additionalProperties": false
      },
      "GraphError": {
        "type": "object",
        "properties": {
          "error": {
            "type": "object",
            "properties": {
              "message": {
                "type": "string"
              },
              "type": {
                "type": "string"
              },
              "code": {
                "type": "integer"
              },
              "error_subcode": {
                "type": "integer"
              },
              "error_data": {
                "type": "object"
              },
              "is_transient": {
                "type": "boolean"
              },
              "fbtrace_id": {
                "type": "string"
              }
            },
            "required": [
              "message",
              "code"
            ]
          }
        },
        "required": [
          "error"
        ],
        "description": "Meta's Graph API error shape (also used by the errors the proxy answers itself; their `fbtrace_id` starts with `RK`)."
      },
      "TextMessage": {
        "type": "object",
        "properties": {
          "type": {
            "const": "text"
          },
          "text": {
            "type": "object",
            "properties": {
              "body": {
                "type": "string",
                "minLength": 1,
                "maxLength": 4096
              },
              "preview_url": {
                "type": "boolean"
              }
            },
            "required": [
              "body"
            ]
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type",
          "text"
        ],
        "description": "A text message."
      },
      "TemplateMessage": {
        "type": "object",
        "properties": {
          "type": {
            "const": "template"
          },
          "template": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string"
              },
              "language": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ]
              },
              "components": {
                "type": "array",
                "items": {
                  "type": "object"
                }
              }
            },
            "required": [
              "name",
              "language"
            ]
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type",
          "template"
        ],
        "description": "An approved template: the only kind allowed outside the 24-hour window (with mark_read)."
      },
      "MediaMessage": {
        "type": "object",
        "properties": {
          "type": {
            "enum": [
              "image",
              "video",
              "audio",
              "document",
              "sticker"
            ]
          },
          "image": {
            "$ref": "#/components/schemas/MediaObject"
          },
          "video": {
            "$ref": "#/components/schemas/MediaObject"
          },
          "audio": {
            "$ref": "#/components/schemas/MediaObject"
          },
          "document": {
            "$ref": "#/components/schemas/MediaObject"
          },
          "sticker": {
            "$ref": "#/components/schemas/MediaObject"
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type"
        ],
        "description": "A media message: the object named by `type` holds an uploaded media `id` or a `link`; `caption` ≤ 1024 (not audio or sticker), `filename` for documents."
      },
      "MediaObject": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "link": {
            "type": "string",
            "format": "uri"
          },
          "caption": {
            "type": "string",
            "maxLength": 1024
          },
          "filename": {
            "type": "string"
          }
        },
        "oneOf": [
          {
            "required": [
              "id"
            ]
          },
          {
            "required": [
              "link"
            ]
          }
        ]
      },
      "InteractiveMessage": {
        "type": "object",
        "properties": {
          "type": {
            "const": "interactive"
          },
          "interactive": {
            "type": "object",
            "properties": {
              "type": {
                "type": "string"
              },
              "body": {
                "type": "object",
                "properties": {
                  "text": {
                    "type": "string"
                  }
                }
              },
              "action": {
                "type": "object"
              }
            },
            "required": [
              "type",
              "action"
            ]
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type",
          "interactive"
        ],
        "description": "Reply buttons (1–3, titles ≤ 20), a list, …"
      },
      "ReactionMessage": {
        "type": "object",
        "properties": {
          "type": {
            "const": "reaction"
          },
          "reaction": {
            "type": "object",
            "properties": {
              "message_id": {
                "type": "string"
              },
              "emoji": {
                "type": "string",
                "description": "`\"\"` removes the reaction."
              }
            },
            "required": [
              "message_id",
              "emoji"
            ]
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type",
          "reaction"
        ],
        "description": "A reaction to a message."
      },
      "LocationMessage": {
        "type": "object",
        "properties": {
          "type": {
            "const": "location"
          },
          "location": {
            "type": "object",
            "properties": {
              "latitude": {
                "type": "number"
              },
              "longitude": {
                "type": "number"
              },
              "name": {
                "type": "string"
              },
              "address": {
                "type": "string"
              }
            },
            "required": [
              "latitude",
              "longitude"
            ]
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type",
          "location"
        ],
        "description": "A location."
      },
      "ContactsMessage": {
        "type": "object",
        "properties": {
          "type": {
            "const": "contacts"
          },
          "contacts": {
            "type": "array",
            "minItems": 1,
            "items": {
              "type": "object"
            }
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type",
          "contacts"
        ],
        "description": "Contact cards (Meta's format)."
      },
      "MarkRead": {
        "type": "object",
        "properties": {
          "type": {
            "const": "mark_read"
          },
          "message_id": {
            "type": "string"
          },
          "typing_indicator": {
            "type": "boolean"
          },
          "reply_to": {
            "type": "string",
            "description": "Sent as `context.message_id`."
          },
          "biz_opaque_callback_data": {
            "type": "string",
            "maxLength": 512
          }
        },
        "required": [
          "type",
          "message_id"
        ],
        "description": "Marks a citizen's message as read (optionally showing a typing indicator)."
      },
      "SendRequest": {
        "description": "A Cloud API message body without the envelope: Recordkeeper adds `messaging_product`, `recipient_type`, the recipient and `biz_opaque_callback_data` `rk1:<request_id>` (unless given).",
        "oneOf": [
          {
            "$ref": "#/components/schemas/TextMessage"
          },
          {
            "$ref": "#/components/schemas/TemplateMessage"
          },
          {
            "$ref": "#/components/schemas/MediaMessage"
          },
          {
            "$ref": "#/components/schemas/InteractiveMessage"
          },
          {
            "$ref": "#/components/schemas/ReactionMessage"
          },
          {
            "$ref": "#/components/schemas/LocationMessage"
          },
          {
            "$ref": "#/components/schemas/ContactsMessage"
          },
          {
            "$ref": "#/components/schemas/MarkRead"
          }
        ],
        "discriminator": {
          "propertyName": "type",
          "mapping": {
            "text": "#/components/schemas/TextMessage",
            "template": "#/components/schemas/TemplateMessage",
            "image": "#/components/schemas/MediaMessage",
            "video": "#/components/schemas/MediaMessage",
            "audio": "#/components/schemas/MediaMessage",
            "document": "#/components/schemas/MediaMessage",
            "sticker": "#/components/schemas/MediaMessage",
            "interactive": "#/components/schemas/InteractiveMessage",
            "reaction": "#/components/schemas/ReactionMessage",
            "location": "#/components/schemas/LocationMessage",
            "contacts": "#/components/schemas/ContactsMessage",
            "mark_read": "#/components/schemas/MarkRead"
          }
        }
      }
    },
    "responses": {
      "Unauthorized": {
        "description": "A missing or wrong admin token (`code` `unauthorized`).",
        "headers": {
          "WWW-Authenticate": {
            "schema": {
              "const": "Bearer realm=\"recordkeeper\""
            }
          }
        },
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "NotConfigured": {
        "description": "No admin token configured (`RECORDKEEPER_ADMIN_TOKEN`) (`code`: `not_configured`)",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "BadLedger": {
        "description": "Bad ledger name or parameter (`code`: `invalid_ledger`, `invalid_position`, `missing_parameter`, `invalid_parameter`)",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "NoLedger": {
        "description": "No such ledger (`code`: `no_ledger`)",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "OutOfRange": {
        "description": "Out of range (`code`: `out_of_range`)",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "GraphProxied": {
        "description": "Meta's answer, its status, `Content-Type`, `Retry-After` and body unchanged (any status).",
        "headers": {
          "X-Recordkeeper-Request-Position": {
            "$ref": "#/components/headers/RequestPosition"
          },
          "X-Recordkeeper-Outcome-Position": {
            "$ref": "#/components/headers/OutcomePosition"
          }
        },
        "content": {
          "application/json": {
            "schema": {}
          }
        }
      },
      "NoConversation": {
        "description": "No such conversation (`code`: `no_conversation`)",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "GraphBadRequest": {
        "description": "Not forwarded: a bad version, id or body (code 100).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/GraphError"
            }
          }
        }
      },
      "GraphUnauthorized": {
        "description": "No or an inactive integration token (code 190).",
        "headers": {
          "WWW-Authenticate": {
            "schema": {
              "type": "string"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/GraphError"
            }
          }
        }
      },
      "GraphTooLarge": {
        "description": "The body is larger than the proxy records (code 100).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/GraphError"
            }
          }
        }
      },
      "GraphUnreachable": {
        "description": "Recorded and forwarded, but Meta could not be reached (code 2).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/GraphError"
            }
          }
        }
      },
      "GraphNotRecorded": {
        "description": "Not recorded, so not forwarded; or no WHATSAPP_ACCESS_TOKEN (code 2). `Retry-After: 5`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/GraphError"
            }
          }
        }
      },
      "GraphTimeout": {
        "description": "Recorded and forwarded, but Meta did not answer within 30 s (code 2).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/GraphError"
            }
          }
        }
      },
      "Forbidden": {
        "description": "Your roles do not allow this (`code`: `forbidden`), or only with a stated reason (`reason_required`: send `X-Recordkeeper-Access-Reason`). See docs/access.md.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      }
    },
    "parameters": {
      "ledger": {
        "name": "ledger",
        "in": "path",
        "required": true,
        "description": "The ledger's name: 1 to 63 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit.",
        "schema": {
          "type": "string",
          "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
        }
      },
      "conversationID": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "A conversation `id` from GET /v1/conversations (opaque base64url). Not base64url: 400 `invalid_conversation_id`; base64url but no conversation of yours: 404 `no_conversation`.",
        "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]+$"
        }
      },
      "limit": {
        "name": "limit",
        "in": "query",
        "description": "Items per page (default 50).",
        "schema": {
          "type": "integer",
          "minimum": 1,
          "maximum": 200,
          "default": 50
        }
      },
      "cursor": {
        "name": "cursor",
        "in": "query",
        "description": "The `next_cursor` of the previous page, unchanged (opaque base64url; any other value: 400 `invalid_cursor`).",
        "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]+$"
        }
      },
      "graphVersion": {
        "name": "version",
        "in": "path",
        "required": true,
        "description": "The client's Graph API version, e.g. `v23.0`.",
        "schema": {
          "type": "string",
          "pattern": "^v[0-9]+\\.[0-9]+$"
        }
      },
      "accessReason": {
        "name": "X-Recordkeeper-Access-Reason",
        "in": "header",
        "required": false,
        "description": "Why you access this (at most 500 characters): recorded with the access; required for an admin's break-glass reading (docs/access.md).",
        "schema": {
          "type": "string",
          "maxLength": 500
        }
      }
    },
    "headers": {
      "RequestPosition": {
        "description": "The ledger position of the recorded request.",
        "schema": {
          "type": "integer"
        }
      },
      "OutcomePosition": {
        "description": "The ledger position of Meta's recorded answer (missing if it could not be recorded).",
        "schema": {
          "type": "integer"
        }
      },
      "Location": {
        "description": "The request's status URL.",
        "schema": {
          "type": "string"
        }
      }
    },
    "securitySchemes": {
      "staffToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A staff API token (`recordkeeper tokens issue NAME`, `rkt_…`), or the bootstrap admin token RECORDKEEPER_ADMIN_TOKEN (every use audited). What each role may do: docs/access.md."
      },
      "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "rk_session",
        "description": "A browser session from POST /v1/session (password and TOTP). Unsafe methods must also send `X-Requested-With`."
      },
      "integrationToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An integration's token (`recordkeeper integrations add NAME`), for /graph only."
      }
    }
  }
}
"""#
}
