/// The API's OpenAPI 3.1 document, served at `/api/v1/openapi.json`. Generated from
/// `docs/openapi.json` by `scripts/embed-openapi.py` (a test keeps them equal).
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "OpenKoi task queue",
            "version": "0.1.0",
            "description": "The REST API of `openkoi daemon`: a durable task queue in front of OpenKoi's plan, execute, evaluate and refine loop. Every route but /api/v1/health needs `Authorization: Bearer <token>` when `[api] token` is set."
          },
          "servers": [
            {
              "url": "http://127.0.0.1:9742"
            }
          ],
          "components": {
            "securitySchemes": {
              "bearer": {
                "type": "http",
                "scheme": "bearer"
              }
            },
            "schemas": {
              "Error": {
                "type": "object",
                "required": [
                  "error"
                ],
                "properties": {
                  "error": {
                    "type": "object",
                    "required": [
                      "code",
                      "message",
                      "field"
                    ],
                    "properties": {
                      "code": {
                        "type": "string"
                      },
                      "message": {
                        "type": "string"
                      },
                      "field": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    }
                  }
                }
              },
              "TaskRequest": {
                "type": "object",
                "required": [
                  "description"
                ],
                "additionalProperties": false,
                "properties": {
                  "description": {
                    "type": "string",
                    "minLength": 1
                  },
                  "category": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "code, sql, api, writing, test\u2026 chooses the evaluator"
                  },
                  "max_iterations": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 20
                  },
                  "quality_threshold": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 1
                  },
                  "model": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "provider/model or a bare model id"
                  },
                  "budget_usd": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "exclusiveMinimum": 0
                  },
                  "task_id": {
                    "description": "ignored (the server assigns ids)"
                  }
                }
              },
              "Status": {
                "type": "string",
                "enum": [
                  "queued",
                  "running",
                  "cancelling",
                  "succeeded",
                  "failed",
                  "cancelled",
                  "interrupted"
                ]
              },
              "Task": {
                "type": "object",
                "required": [
                  "task_id",
                  "description",
                  "status",
                  "request",
                  "attempts",
                  "timestamps",
                  "iterations",
                  "iteration_scores",
                  "tokens",
                  "cost_usd",
                  "output",
                  "score",
                  "model",
                  "decision",
                  "error"
                ],
                "properties": {
                  "task_id": {
                    "type": "string"
                  },
                  "description": {
                    "type": "string"
                  },
                  "status": {
                    "$ref": "#/components/schemas/Status"
                  },
                  "message": {
                    "type": "string"
                  },
                  "request": {
                    "type": "object"
                  },
                  "attempts": {
                    "type": "integer"
                  },
                  "timestamps": {
                    "type": "object",
                    "description": "RFC 3339 time the task entered each status it has been in",
                    "additionalProperties": {
                      "type": "string",
                      "format": "date-time"
                    }
                  },
                  "iterations": {
                    "type": "integer"
                  },
                  "iteration_scores": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "iteration": {
                          "type": "integer"
                        },
                        "score": {
                          "type": [
                            "number",
                            "null"
                          ]
                        },
                        "decision": {
                          "type": "string"
                        },
                        "cost_usd": {
                          "type": "number"
                        },
                        "tokens": {
                          "type": "integer"
                        }
                      }
                    }
                  },
                  "tokens": {
                    "type": "object",
                    "properties": {
                      "input": {
                        "type": "integer"
                      },
                      "output": {
                        "type": "integer"
                      },
                      "total": {
                        "type": "integer"
                      }
                    }
                  },
                  "cost_usd": {
                    "type": "number"
                  },
                  "output": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "set once the task is final"
                  },
                  "score": {
                    "type": [
                      "number",
                      "null"
                    ]
                  },
                  "model": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "decision": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "error": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                }
              },
              "QueueHealth": {
                "type": "object",
                "required": [
                  "queued",
                  "running",
                  "oldest_queued_age_seconds",
                  "active_leases"
                ],
                "properties": {
                  "queued": {
                    "type": "integer"
                  },
                  "running": {
                    "type": "integer"
                  },
                  "oldest_queued_age_seconds": {
                    "type": [
                      "number",
                      "null"
                    ]
                  },
                  "active_leases": {
                    "type": "integer"
                  }
                }
              }
            },
            "responses": {
              "MethodNotAllowed": {
                "description": "The path exists but not with this method (see Allow)",
                "headers": {
                  "Allow": {
                    "schema": {
                      "type": "string"
                    }
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
                    }
                  }
                }
              }
            }
          },
          "security": [
            {
              "bearer": []
            }
          ],
          "paths": {
            "/api/v1/health": {
              "get": {
                "operationId": "health",
                "security": [],
                "summary": "Liveness and queue depth (no auth)",
                "responses": {
                  "200": {
                    "description": "Healthy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "status",
                            "version",
                            "queue"
                          ],
                          "properties": {
                            "status": {
                              "const": "ok"
                            },
                            "version": {
                              "type": "string"
                            },
                            "queue": {
                              "$ref": "#/components/schemas/QueueHealth"
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/v1/openapi.json": {
              "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                  "200": {
                    "description": "The OpenAPI document",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/v1/tasks": {
              "post": {
                "operationId": "createTask",
                "summary": "Queue a task; answered once it is durably committed",
                "parameters": [
                  {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": false,
                    "schema": {
                      "type": "string",
                      "minLength": 1,
                      "maxLength": 255
                    },
                    "description": "A retry with the same key and body returns the same task (200); a different body gets 422; a duplicate while the first is being created gets 409. Keys are kept 24 h."
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TaskRequest"
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "Queued",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Task"
                        }
                      }
                    },
                    "headers": {
                      "Location": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "200": {
                    "description": "The task an earlier request with the same Idempotency-Key created",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Task"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON or an empty description",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "409": {
                    "description": "A request with this Idempotency-Key is still being created",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Body too large",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "422": {
                    "description": "A field has the wrong type or range, an unknown field, a reused Idempotency-Key, or a budget past [daemon] daily_budget_usd",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "429": {
                    "description": "The queue is at [daemon] max_queued",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    },
                    "headers": {
                      "Retry-After": {
                        "schema": {
                          "type": "integer"
                        }
                      }
                    }
                  }
                }
              },
              "get": {
                "operationId": "listTasks",
                "summary": "Tasks, newest first",
                "parameters": [
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "$ref": "#/components/schemas/Status"
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 500,
                      "default": 50
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string"
                    },
                    "description": "the previous page's `next`"
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of tasks",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "tasks",
                            "next"
                          ],
                          "properties": {
                            "tasks": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Task"
                              }
                            },
                            "next": {
                              "type": [
                                "string",
                                "null"
                              ]
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "422": {
                    "description": "A bad filter",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/v1/tasks/{id}": {
              "get": {
                "operationId": "getTask",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "summary": "One task: status with a timestamp per state, iterations with scores, output when done, tokens, cost",
                "responses": {
                  "200": {
                    "description": "The task",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Task"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such task",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/v1/tasks/{id}/cancel": {
              "post": {
                "operationId": "cancelTask",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "summary": "Cancel (idempotent): a queued task at once; a running one aborts its model call and tools",
                "responses": {
                  "200": {
                    "description": "The task, cancelling or final",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Task"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such task",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/v1/tasks/{id}/events": {
              "get": {
                "operationId": "taskEvents",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "Last-Event-ID",
                    "in": "header",
                    "required": false,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9]+$"
                    }
                  },
                  {
                    "name": "starting_after",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  }
                ],
                "summary": "The task's durable event log as Server-Sent Events; `id:` is the sequence number; ends after the final event",
                "responses": {
                  "200": {
                    "description": "An event stream",
                    "content": {
                      "text/event-stream": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "id",
                            "event",
                            "data"
                          ],
                          "description": "one Server-Sent Event: `id` is the task's event sequence number, `event` its kind, `data` a JSON object with `seq`, `type`, `task_id`, `created_at` and the kind's fields (`final: true` on the last)",
                          "properties": {
                            "id": {
                              "type": "string",
                              "pattern": "^[0-9]+$"
                            },
                            "event": {
                              "type": "string"
                            },
                            "data": {
                              "type": "string"
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such task",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "422": {
                    "description": "A bad resume position",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/v1/status": {
              "get": {
                "operationId": "status",
                "summary": "The daemon and its running tasks",
                "responses": {
                  "200": {
                    "description": "Status",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "version",
                            "daemon_running",
                            "active_tasks",
                            "queue",
                            "tasks_completed_today",
                            "total_cost_today"
                          ],
                          "properties": {
                            "version": {
                              "type": "string"
                            },
                            "daemon_running": {
                              "type": "boolean"
                            },
                            "pid": {
                              "type": "integer"
                            },
                            "uptime_seconds": {
                              "type": "number"
                            },
                            "active_tasks": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Task"
                              }
                            },
                            "queue": {
                              "$ref": "#/components/schemas/QueueHealth"
                            },
                            "tasks_completed_today": {
                              "type": "integer"
                            },
                            "total_cost_today": {
                              "type": "number"
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/v1/cost": {
              "get": {
                "operationId": "cost",
                "summary": "USD per model and per day, the last 24 h, and what queued and running tasks reserve",
                "responses": {
                  "200": {
                    "description": "Costs",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "by_model",
                            "by_day",
                            "last_24h",
                            "running",
                            "reserved_usd",
                            "daily_budget_usd"
                          ],
                          "properties": {
                            "by_model": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "by_day": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "last_24h": {
                              "type": "object",
                              "properties": {
                                "tasks": {
                                  "type": "integer"
                                },
                                "cost_usd": {
                                  "type": "number"
                                }
                              }
                            },
                            "running": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "reserved_usd": {
                              "type": "number"
                            },
                            "daily_budget_usd": {
                              "type": [
                                "number",
                                "null"
                              ]
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "Missing or wrong bearer token",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
