import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { toErrorResponse } from "../../src/http/errors.ts";
import { errorResponses } from "../../src/http/openapi/error-responses.ts";
import { pathId } from "../../src/http/openapi/path-id.ts";
import { createApiRouter } from "../../src/http/router.ts";

/** The shared pieces alone: a router's validation failures answer in the API's error shape. */
function exampleApp() {
  const app = createApiRouter();
  const route = createRoute({
    method: "post",
    path: "/things/{id}",
    request: {
      params: z.object({ id: pathId(/^t_[0-9]+$/, "thing", "t_1") }),
      query: z.object({
        wait: z
          .string()
          .regex(/^[0-9]{1,4}$/, "wait must be digits")
          .optional(),
      }),
      body: { required: true, content: { "application/json": { schema: z.strictObject({ name: z.string() }) } } },
    },
    responses: {
      200: { description: "ok", content: { "application/json": { schema: z.object({ name: z.string() }) } } },
      ...errorResponses([400, 415]),
    },
  });
  app.openapi(route, (c) => c.json({ name: c.req.valid("json").name }, 200));
  app.onError((error, c) => toErrorResponse(error, c, () => {}));
  return app;
}

const post = (path: string, body: string, type = "application/json") =>
  exampleApp().request(path, { method: "POST", body, headers: { "content-type": type } });

async function expectError(res: Response, status: number, code: string, message?: string) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toBe(message);
}

describe("OpenAPI routes' request validation", () => {
  it("accepts a valid request", async () => {
    const res = await post("/things/t_1?wait=5", JSON.stringify({ name: "a" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "a" });
  });

  it("answers each kind of bad input with its 400 code", async () => {
    await expectError(
      await post("/things/nope", JSON.stringify({ name: "a" })),
      400,
      "invalid_id",
      "nope is not a valid thing id",
    );
    await expectError(
      await post("/things/t_1?wait=0x10", JSON.stringify({ name: "a" })),
      400,
      "invalid_wait",
      "wait must be digits",
    );
    await expectError(await post("/things/t_1", "{not json"), 400, "invalid_json");
    await expectError(await post("/things/t_1", JSON.stringify({ name: "a", extra: 1 })), 400, "invalid_request");
    await expectError(
      await post("/things/t_1", JSON.stringify({ name: "a" }), "text/plain"),
      415,
      "unsupported_media_type",
    );
  });

  it("documents the error responses with the shared schema", () => {
    const doc = exampleApp().getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const responses = doc.paths?.["/things/{id}"]?.post?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(["200", "400", "415", "500"]);
    expect(responses["400"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
  });
});
