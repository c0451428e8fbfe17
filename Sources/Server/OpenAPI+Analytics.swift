extension OpenAPIDocument {
    /// `GET /v1/analytics` and `GET /metrics` (docs/api.md "Analytics", docs/operations.md "Metrics").
    static let analyticsFragment = #"""
        {
          "tags": [{"name": "analytics"}],
          "paths": {
            "/v1/analytics": {
              "get": {
                "operationId": "getAnalytics",
                "tags": ["analytics"],
                "security": [{"staffToken": []}, {"session": []}],
                "summary": "Per team and day: inbound and outbound volumes, first-response time p50/p90, open backlog and its age.",
                "parameters": [
                  {"name": "from", "in": "query", "required": true, "description": "The first day, YYYY-MM-DD (1970 or later), in the service's analytics time zone.",
                   "schema": {"type": "string", "format": "date", "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"}},
                  {"name": "to", "in": "query", "required": true, "description": "The last day, YYYY-MM-DD (at most 366 days after `from`, counting both; days after today are not listed).",
                   "schema": {"type": "string", "format": "date", "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"}},
                  {"name": "team", "in": "query", "required": false, "description": "Only this team (`unrouted`: conversations never routed), 1 to 100 characters, no control characters; then every day is listed.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"}}
                ],
                "responses": {
                  "200": {"description": "The figures.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AnalyticsReport"}}}},
                  "400": {"description": "A missing or invalid parameter (`code`: `missing_parameter`, `invalid_parameter`; `field` names it).",
                          "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"description": "The caller's roles do not allow `analytics.read` (`code`: `forbidden`).",
                          "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                }
              }
            },
            "/metrics": {
              "get": {
                "operationId": "getMetrics",
                "tags": ["analytics"],
                "security": [{"staffToken": []}, {"session": []}],
                "summary": "Prometheus metrics (text exposition format 0.0.4); scrape with a staff API token as bearer.",
                "responses": {
                  "200": {"description": "The metrics (docs/operations.md, \"Metrics\").", "content": {"text/plain": {"schema": {"type": "string"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"description": "The caller's roles do not allow `metrics.read` (`code`: `forbidden`).",
                          "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                }
              }
            }
          },
          "components": {
            "schemas": {
              "AnalyticsReport": {
                "type": "object",
                "required": ["timezone", "days"],
                "additionalProperties": false,
                "properties": {
                  "timezone": {"type": "string", "description": "The IANA time zone days are counted in."},
                  "days": {"type": "array", "items": {"$ref": "#/components/schemas/AnalyticsDay"}}
                }
              },
              "AnalyticsDay": {
                "type": "object",
                "required": ["date", "team", "inbound", "outbound", "first_response", "backlog"],
                "additionalProperties": false,
                "properties": {
                  "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                  "team": {"type": "string", "description": "The team, or `unrouted`."},
                  "inbound": {"type": "integer", "minimum": 0, "description": "Messages from citizens that day."},
                  "outbound": {"type": "integer", "minimum": 0, "description": "Messages to citizens that day (staff, automations and the proxy)."},
                  "first_response": {
                    "type": "object",
                    "required": ["count", "p50_seconds", "p90_seconds"],
                    "additionalProperties": false,
                    "description": "First responses by staff to the inbound messages of the day (nearest-rank percentiles).",
                    "properties": {
                      "count": {"type": "integer", "minimum": 0},
                      "p50_seconds": {"type": ["number", "null"], "minimum": 0},
                      "p90_seconds": {"type": ["number", "null"], "minimum": 0}
                    }
                  },
                  "backlog": {
                    "type": "object",
                    "required": ["open", "oldest_age_seconds"],
                    "additionalProperties": false,
                    "description": "Conversations open or pending at the end of the day (now, for today).",
                    "properties": {
                      "open": {"type": "integer", "minimum": 0},
                      "oldest_age_seconds": {"type": ["number", "null"], "minimum": 0,
                                             "description": "The oldest inbound message among them still waiting for a first response."}
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
