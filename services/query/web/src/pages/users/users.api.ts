import { api, unwrap } from "../../api/client.ts";
import type { GetJson, Role } from "../../api/types.ts";

/** A member of a project (`GET /api/projects/{id}/members`). */
export type Member = GetJson<"/api/projects/{id}/members">[number];
/** A user of the installation (`GET /api/users`, owner only). */
export type User = GetJson<"/api/users">[number];
/** One of the caller's API tokens (`GET /api/tokens`), never with its value. */
export type Token = GetJson<"/api/tokens">[number];
/** A token just created (`POST /api/tokens`): with its value, shown this once. */
export type TokenCreated = Token & { token: string };

/** The members of `projectId` with their roles. @throws ApiError (403 for a viewer). */
export async function listMembers(projectId: string): Promise<Member[]> {
  return unwrap(await api.GET("/api/projects/{id}/members", { params: { path: { id: projectId } } }));
}

/** Gives `userId` the `role` in `projectId` (adds the member when new). @throws ApiError */
export async function putMember(projectId: string, userId: string, role: Role): Promise<void> {
  unwrap(
    await api.PUT("/api/projects/{id}/members/{userId}", {
      params: { path: { id: projectId, userId } },
      body: { role },
    }),
  );
}

/** Removes `userId` from `projectId`. @throws ApiError */
export async function deleteMember(projectId: string, userId: string): Promise<void> {
  unwrap(
    await api.DELETE("/api/projects/{id}/members/{userId}", { params: { path: { id: projectId, userId } } }),
  );
}

/** Every user (the owner only). @throws ApiError (403 `owner_required` otherwise) */
export async function listUsers(): Promise<User[]> {
  return unwrap(await api.GET("/api/users"));
}

/** Creates a user (the owner only). @throws ApiError (409 `login_taken`, 400 for a short password) */
export async function createUser(body: {
  login: string;
  display_name: string;
  password: string;
  is_owner: boolean;
}): Promise<User> {
  return unwrap(await api.POST("/api/users", { body }));
}

/** Changes a user: here, (de)activates it (the owner only). @throws ApiError */
export async function updateUser(id: string, body: { active: boolean }): Promise<User> {
  return unwrap(await api.PATCH("/api/users/{id}", { params: { path: { id } }, body }));
}

/** The caller's API tokens. @throws ApiError */
export async function listTokens(): Promise<Token[]> {
  return unwrap(await api.GET("/api/tokens"));
}

/** Creates an API token; the answer holds its value, which is never shown again. @throws ApiError */
export async function createToken(body: {
  name: string;
  role: Role;
  projects: string[];
}): Promise<TokenCreated> {
  return unwrap(await api.POST("/api/tokens", { body }));
}

/** Revokes one of the caller's tokens. @throws ApiError */
export async function revokeToken(id: string): Promise<void> {
  unwrap(await api.DELETE("/api/tokens/{id}", { params: { path: { id } } }));
}
