// The OpenAPI fragment of the staff, session, access-log and classification routes
// (docs/api.md "Staff and sessions", docs/access.md), merged into `/openapi.json`.

extension OpenAPIDocument {
    static let staffFragment: String = #"""
{
  "tags": [
    {
      "name": "staff",
      "description": "Staff accounts, tokens and sessions (docs/access.md)."
    }
  ],
  "paths": {
    "/v1/session": {
      "post": {
        "operationId": "signIn",
        "tags": [
          "staff"
        ],
        "summary": "Sign in with name, password and TOTP code; answers with the `rk_session` cookie.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "name",
                  "password"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "password": {
                    "type": "string"
                  },
                  "totp": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "pattern": "^[0-9]{6}$"
                  }
                },
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Signed in. `Set-Cookie: rk_session=…; HttpOnly; Secure; SameSite=Strict`.",
            "headers": {
              "Set-Cookie": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "400": {
            "description": "Not JSON, or a member missing or of the wrong type (`code`: `invalid_json`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "`invalid_credentials` (name or password wrong), `totp_required` (send `totp`), `invalid_totp`",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "description": "`mfa_not_enrolled`: sign-in requires a second factor and the account has none",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "415": {
            "description": "The body is not sent as `Content-Type: application/json` (`code`: `unsupported_media_type`): a page of another site could post a form",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "`locked_out`: five failures within 15 minutes; `sign_in_busy`: too many sign-ins are being checked at once, nothing was checked. See `Retry-After`",
            "headers": {
              "Retry-After": {
                "schema": {
                  "type": "integer"
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
          "503": {
            "$ref": "#/components/responses/NotConfigured"
          }
        }
      },
      "get": {
        "operationId": "getSession",
        "tags": [
          "staff"
        ],
        "summary": "Who you are: user, roles, teams, credential and clearance.",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The caller.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
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
      },
      "delete": {
        "operationId": "signOut",
        "tags": [
          "staff"
        ],
        "summary": "Sign out: ends the session and clears the cookie.",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "204": {
            "description": "Signed out."
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
    "/v1/staff/users": {
      "get": {
        "operationId": "listUsers",
        "tags": [
          "staff"
        ],
        "summary": "Every staff account (never a secret).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The accounts, by name.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffUserList"
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
      },
      "post": {
        "operationId": "createUser",
        "tags": [
          "staff"
        ],
        "summary": "Create a staff account (recorded as `staff.user.created`).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "name",
                  "roles"
                ],
                "properties": {
                  "name": {
                    "type": "string",
                    "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
                  },
                  "roles": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/StaffRole"
                    },
                    "minItems": 1
                  },
                  "teams": {
                    "type": [
                      "array",
                      "null"
                    ],
                    "items": {
                      "type": "string",
                      "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
                    }
                  },
                  "password": {
                    "description": "At least 12 characters and at most 72 bytes (UTF-8), not one of the most common passwords (422 `invalid_field` otherwise).",
                    "type": [
                      "string",
                      "null"
                    ],
                    "minLength": 12,
                    "maxLength": 72
                  },
                  "enroll_totp": {
                    "type": [
                      "boolean",
                      "null"
                    ]
                  }
                },
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The account; `totp_url` (shown once) when a second factor was enrolled.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CreatedUser"
                }
              }
            }
          },
          "400": {
            "description": "Not JSON, or a member missing or of the wrong type (`code`: `invalid_json`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "`already_exists`",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
    "/v1/staff/users/{name}/roles/{role}": {
      "put": {
        "operationId": "grantRole",
        "tags": [
          "staff"
        ],
        "summary": "Grant a role (`staff.role.granted`).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "A user name.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
            }
          },
          {
            "name": "role",
            "in": "path",
            "required": true,
            "schema": {
              "$ref": "#/components/schemas/StaffRole"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The account after the change.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffUser"
                }
              }
            }
          },
          "404": {
            "description": "No such user or token (`code`: `not_found`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
            "$ref": "#/components/responses/StaffChangeForbidden"
          }
        }
      },
      "delete": {
        "operationId": "revokeRole",
        "tags": [
          "staff"
        ],
        "summary": "Revoke a role (`staff.role.revoked`).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "A user name.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
            }
          },
          {
            "name": "role",
            "in": "path",
            "required": true,
            "schema": {
              "$ref": "#/components/schemas/StaffRole"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The account after the change.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffUser"
                }
              }
            }
          },
          "404": {
            "description": "No such user or token (`code`: `not_found`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
            "$ref": "#/components/responses/StaffChangeForbidden"
          }
        }
      }
    },
    "/v1/staff/users/{name}/teams/{team}": {
      "put": {
        "operationId": "joinTeam",
        "tags": [
          "staff"
        ],
        "summary": "Add the user to a team (`staff.team.joined`).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "A user name.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
            }
          },
          {
            "name": "team",
            "in": "path",
            "required": true,
            "description": "A team name.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The account after the change.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffUser"
                }
              }
            }
          },
          "404": {
            "description": "No such user or token (`code`: `not_found`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
            "$ref": "#/components/responses/StaffChangeForbidden"
          }
        }
      },
      "delete": {
        "operationId": "leaveTeam",
        "tags": [
          "staff"
        ],
        "summary": "Remove the user from a team (`staff.team.left`).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "A user name.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
            }
          },
          {
            "name": "team",
            "in": "path",
            "required": true,
            "description": "A team name.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The account after the change.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffUser"
                }
              }
            }
          },
          "404": {
            "description": "No such user or token (`code`: `not_found`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
            "$ref": "#/components/responses/StaffChangeForbidden"
          }
        }
      }
    },
    "/v1/staff/users/{name}/clearance": {
      "put": {
        "operationId": "setClearance",
        "tags": [
          "staff"
        ],
        "summary": "Grant a content clearance beyond the user's roles, or withdraw it (`category`: null), with a reason (`staff.clearance.granted`).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "A user name.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$"
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
                "type": "object",
                "required": [
                  "reason"
                ],
                "properties": {
                  "category": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 1,
                    "maximum": 4
                  },
                  "reason": {
                    "type": "string",
                    "minLength": 1,
                    "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
                  }
                },
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The account after the change.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffUser"
                }
              }
            }
          },
          "400": {
            "description": "Not JSON, or a member missing or of the wrong type (`code`: `invalid_json`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "No such user or token (`code`: `not_found`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
            "$ref": "#/components/responses/StaffChangeForbidden"
          }
        }
      }
    },
    "/v1/staff/tokens": {
      "get": {
        "operationId": "listTokens",
        "tags": [
          "staff"
        ],
        "summary": "Staff API tokens: ids, scopes, expiry and revocation, never the tokens.",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "user",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "Oldest first.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffTokenList"
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
      },
      "post": {
        "operationId": "issueToken",
        "tags": [
          "staff"
        ],
        "summary": "Issue an API token for a user (`staff.token.issued`); the token is shown once.",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "user"
                ],
                "properties": {
                  "user": {
                    "type": "string"
                  },
                  "scopes": {
                    "type": [
                      "array",
                      "null"
                    ],
                    "items": {
                      "$ref": "#/components/schemas/StaffRole"
                    }
                  },
                  "expires_in_seconds": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 60,
                    "maximum": 31622400
                  }
                },
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The token and its listing.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IssuedToken"
                }
              }
            }
          },
          "400": {
            "description": "Not JSON, or a member missing or of the wrong type (`code`: `invalid_json`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "No such user or token (`code`: `not_found`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
    "/v1/staff/tokens/{token_id}": {
      "delete": {
        "operationId": "revokeToken",
        "tags": [
          "staff"
        ],
        "summary": "Revoke a token (`staff.token.revoked`): refused from the next request.",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "token_id",
            "in": "path",
            "required": true,
            "description": "The token id (16 hex digits).",
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/accessReason"
          }
        ],
        "responses": {
          "200": {
            "description": "The revoked token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StaffToken"
                }
              }
            }
          },
          "404": {
            "description": "No such user or token (`code`: `not_found`)",
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
    "/v1/access": {
      "get": {
        "operationId": "listAccesses",
        "tags": [
          "auditing"
        ],
        "summary": "The read audit: who was shown or refused what, newest first (docs/access.md).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "name": "user",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "record",
            "in": "query",
            "required": false,
            "description": "`conversation:<id>`, `media:<media id>` or `message:<position>`.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "since",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "until",
            "in": "query",
            "required": false,
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
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessLog"
                }
              }
            }
          },
          "400": {
            "description": "A bad parameter or cursor (`invalid_parameter`, `invalid_cursor`)",
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
    "/v1/conversations/{id}/messages/{position}/classification": {
      "put": {
        "operationId": "changeClassification",
        "tags": [
          "conversations"
        ],
        "summary": "Raise or lower a message's data category with a reason (`record.classified`, source `staff`; the detectors never overrule it).",
        "security": [
          {
            "staffToken": []
          },
          {
            "session": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/conversationID"
          },
          {
            "name": "position",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1
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
                "type": "object",
                "required": [
                  "category",
                  "reason"
                ],
                "properties": {
                  "category": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 4
                  },
                  "reason": {
                    "type": "string",
                    "minLength": 1,
                    "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
                  }
                },
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The change.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ClassificationChange"
                }
              }
            }
          },
          "400": {
            "description": "Not JSON, or a member missing or of the wrong type (`code`: `invalid_json`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "No such conversation or message (`no_conversation`, `no_message`)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "A field is not acceptable (`code`: `invalid_field`): the detail names it",
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
    }
  },
  "components": {
    "responses": {
      "StaffChangeForbidden": {
        "description": "Your roles do not allow this (`code`: `forbidden`), or the account is your own (`self_change_forbidden`: nobody changes their own roles, teams or clearance; another admin must). See docs/access.md.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      }
    },
    "schemas": {
      "StaffRole": {
        "type": "string",
        "enum": [
          "agent",
          "supervisor",
          "records_officer",
          "request_officer",
          "auditor",
          "admin"
        ]
      },
      "StaffUser": {
        "type": "object",
        "required": [
          "name",
          "roles",
          "teams",
          "has_password",
          "has_totp",
          "created_at_us",
          "disabled"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "roles": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StaffRole"
            }
          },
          "teams": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "has_password": {
            "type": "boolean"
          },
          "has_totp": {
            "type": "boolean"
          },
          "content_clearance": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 1,
            "maximum": 4
          },
          "created_at_us": {
            "type": "integer"
          },
          "disabled": {
            "type": "boolean"
          }
        },
        "additionalProperties": false
      },
      "StaffUserList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StaffUser"
            }
          }
        },
        "additionalProperties": false
      },
      "CreatedUser": {
        "type": "object",
        "required": [
          "user"
        ],
        "properties": {
          "user": {
            "$ref": "#/components/schemas/StaffUser"
          },
          "totp_url": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "additionalProperties": false
      },
      "StaffToken": {
        "type": "object",
        "required": [
          "id",
          "user",
          "created_at_us"
        ],
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^[0-9a-f]{16}$"
          },
          "user": {
            "type": "string"
          },
          "scopes": {
            "type": [
              "array",
              "null"
            ],
            "items": {
              "$ref": "#/components/schemas/StaffRole"
            }
          },
          "created_at_us": {
            "type": "integer"
          },
          "expires_at_us": {
            "type": [
              "integer",
              "null"
            ]
          },
          "revoked_at_us": {
            "type": [
              "integer",
              "null"
            ]
          }
        },
        "additionalProperties": false
      },
      "StaffTokenList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StaffToken"
            }
          }
        },
        "additionalProperties": false
      },
      "IssuedToken": {
        "type": "object",
        "required": [
          "token",
          "token_info"
        ],
        "properties": {
          "token": {
            "type": "string",
            "pattern": "^rkt_"
          },
          "token_info": {
            "$ref": "#/components/schemas/StaffToken"
          }
        },
        "additionalProperties": false
      },
      "Session": {
        "type": "object",
        "required": [
          "user",
          "roles",
          "teams",
          "credential"
        ],
        "properties": {
          "user": {
            "type": "string"
          },
          "roles": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StaffRole"
            }
          },
          "teams": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "credential": {
            "type": "string",
            "description": "`session`, `token:<id>` or `bootstrap`."
          },
          "clearance": {
            "type": [
              "integer",
              "null"
            ]
          },
          "expires_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        },
        "additionalProperties": false
      },
      "AccessLogEntry": {
        "type": "object",
        "required": [
          "position",
          "user",
          "outcome",
          "action",
          "route",
          "records",
          "masked",
          "break_glass",
          "credential",
          "occurred_at_us"
        ],
        "properties": {
          "position": {
            "type": "integer",
            "minimum": 1
          },
          "user": {
            "type": "string"
          },
          "outcome": {
            "enum": [
              "viewed",
              "denied"
            ]
          },
          "action": {
            "type": "string"
          },
          "route": {
            "type": "string"
          },
          "records": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "masked": {
            "type": "array",
            "items": {
              "type": "integer"
            }
          },
          "reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "break_glass": {
            "type": "boolean"
          },
          "credential": {
            "type": "string"
          },
          "occurred_at_us": {
            "type": "integer"
          }
        },
        "additionalProperties": false
      },
      "AccessLog": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AccessLogEntry"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "additionalProperties": false
      },
      "ClassificationChange": {
        "type": "object",
        "required": [
          "position",
          "category",
          "event_position"
        ],
        "properties": {
          "position": {
            "type": "integer"
          },
          "category": {
            "type": "integer",
            "minimum": 1,
            "maximum": 4
          },
          "previous_category": {
            "type": [
              "integer",
              "null"
            ]
          },
          "event_position": {
            "type": "integer"
          }
        },
        "additionalProperties": false
      }
    }
  }
}
"""#
}
