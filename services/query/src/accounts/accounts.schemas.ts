import { ProjectId } from "@pulse/events";
import { z } from "zod";
import { Instant } from "../http/api.schemas.js";

/** A role in one project. */
export const RoleSchema = z.enum(["admin", "viewer"]).describe("`admin` reads and edits; `viewer` reads");

/** A login name: 1–100 characters, no spaces or control characters. */
export const Login = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\s\p{Cc}]+$/u, "no spaces or control characters")
  .describe("login name (unique, case-insensitive)");

/** A new password: 10–1024 characters. */
export const NewPassword = z.string().min(10).max(1024).describe("at least 10 characters");

/** Body of `POST /api/auth/login`. */
export const LoginBody = z.strictObject({
  login: z.string().min(1).max(100),
  password: z.string().min(1).max(1024),
});

/** The signed-in user, with their project roles and the CSRF token of their session. */
export const Me = z
  .object({
    user: z.object({
      id: z.string(),
      login: z.string(),
      display_name: z.string(),
      is_owner: z.boolean(),
    }),
    memberships: z
      .array(z.object({ project_id: ProjectId, role: RoleSchema }))
      .describe("the caller's projects and role in each (the owner: every project as admin)"),
    csrf_token: z
      .string()
      .describe("send as `X-CSRF-Token` with every cookie-authenticated write (empty for API tokens)"),
  })
  .describe("the caller");
/** See {@link Me}. */
export type Me = z.infer<typeof Me>;

/** Body of `POST /api/auth/password`. */
export const PasswordChangeBody = z.strictObject({
  current_password: z.string().min(1).max(1024),
  new_password: NewPassword,
});

/** A user as the owner's user API shows it (never the password hash). */
export const UserItem = z.object({
  id: z.string(),
  login: z.string(),
  display_name: z.string(),
  is_owner: z.boolean(),
  active: z.boolean(),
  created_at: Instant,
  updated_at: Instant,
  memberships: z.array(z.object({ project_id: ProjectId, role: RoleSchema })),
});

/** Body of `POST /api/users`. */
export const CreateUserBody = z.strictObject({
  login: Login,
  display_name: z.string().min(1).max(200),
  password: NewPassword,
  is_owner: z.boolean().optional(),
});

/** Body of `PATCH /api/users/{id}`. */
export const PatchUserBody = z.strictObject({
  display_name: z.string().min(1).max(200).optional(),
  active: z.boolean().optional(),
  password: NewPassword.optional(),
});

/** Path of `/api/users/{id}`. */
export const UserParams = z.strictObject({ id: z.string().min(1).max(64) });

/** A member of a project. */
export const MemberItem = z.object({
  user_id: z.string(),
  login: z.string(),
  display_name: z.string(),
  role: RoleSchema,
});

/** Path of `/api/projects/{id}/members`. */
export const MembersParams = z.strictObject({ id: ProjectId });
/** Path of `/api/projects/{id}/members/{userId}`. */
export const MemberParams = z.strictObject({ id: ProjectId, userId: z.string().min(1).max(64) });
/** Body of `PUT /api/projects/{id}/members/{userId}`. */
export const PutMemberBody = z.strictObject({ role: RoleSchema });

/** An API token as listed (never its value). */
export const TokenItem = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  projects: z.array(z.string()).describe('project ids; `["*"]` = every project of the user'),
  created_at: Instant,
  last_used_at: Instant.nullable(),
  revoked_at: Instant.nullable(),
});

/** Body of `POST /api/tokens`. */
export const CreateTokenBody = z.strictObject({
  name: z.string().min(1).max(200),
  role: RoleSchema,
  projects: z
    .array(z.union([ProjectId, z.literal("*")]))
    .min(1)
    .max(1000)
    .describe('project ids the token may see, or `["*"]` for every project of the user'),
});

/** Answer of `POST /api/tokens`: the token with its value, shown this once. */
export const CreatedToken = TokenItem.extend({
  token: z.string().describe("the token value: shown once, store it now"),
});

/** Path of `/api/tokens/{id}`. */
export const TokenParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Query of `GET /api/audit`. */
export const AuditQuery = z.strictObject({
  project_id: ProjectId.optional(),
  actor: z.string().min(1).max(100).optional(),
  entity: z.string().min(1).max(50).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** One audit row. */
export const AuditItemSchema = z.object({
  id: z.string(),
  at: Instant,
  actor: z.string().describe("login of the author (`cli` for the command line)"),
  entity: z.string().describe("user | membership | api_token | settings | overrides | project"),
  entity_id: z.string(),
  project_id: z.string().nullable(),
  action: z.string().describe("create | update | delete | revoke | change | password_change"),
  before: z.unknown().describe("values before the change, secrets masked (`***`)"),
  after: z.unknown().describe("values after the change, secrets masked (`***`)"),
});

/** Answer of `GET /api/audit`. */
export const AuditResponse = z.object({ items: z.array(AuditItemSchema) });
