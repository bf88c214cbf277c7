import type { Database } from "@pulse/infra";
import type { FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { projectExists } from "../projects/projects.repository.js";
import { NotFoundError } from "./app.errors.js";
import { assertProjectAccess } from "./auth.plugin.js";

/**
 * Resolves the `project` scope of an `/api/*` request: the caller must be allowed to see it
 * ({@link assertProjectAccess}) and it must be registered in `rm.projects`. Both failures are the
 * same 404 `project_not_found`.
 * @throws NotFoundError `project_not_found`; UnauthorizedError without a principal.
 */
export async function requireProject(
  db: Kysely<Database>,
  request: FastifyRequest,
  projectId: string,
): Promise<void> {
  assertProjectAccess(request, projectId);
  if (!(await projectExists(db, projectId))) {
    throw new NotFoundError("project_not_found", `project ${projectId} not found`);
  }
}
