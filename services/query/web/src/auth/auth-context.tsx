import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from "react";
import { ApiError, setCsrfToken, setUnauthorizedHandler } from "../api/client.ts";
import type { GetJson, Role } from "../api/types.ts";

/**
 * The signed-in user as `GET /api/auth/me` and `POST /api/auth/login` answer it (auth API contract
 * "Me", derived from the OpenAPI document): an owner is admin of every project and its memberships
 * list them all.
 */
export type Me = GetJson<"/api/auth/me">;

/** What a page may require: any member, an admin of the current project, or the owner. */
export type Access = "viewer" | "admin" | "owner";

/** The auth state every page reads through {@link useAuth}. */
export interface AuthState {
  /** `undefined` while the first `GET /api/auth/me` runs; `null` when nobody is signed in. */
  me: Me | null | undefined;
  /** Signs in; resolves with the user. @throws ApiError (401 `invalid_credentials`, 429 with retryAfterSeconds). */
  login(login: string, password: string): Promise<Me>;
  /** Signs out (the server drops the session and the cookie) and forgets every cached answer. */
  logout(): Promise<void>;
  /** The user's role in `projectId`, or `null` when not a member. */
  roleIn(projectId: string): Role | null;
  /** True when the user may use a page that requires `access` in `projectId` (none: a global page). */
  allows(access: Access, projectId?: string): boolean;
}

const AuthContext = createContext<AuthState | null>(null);
const ME_KEY = ["auth", "me"] as const;

async function sendJson(method: string, path: string, body?: unknown, csrf?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (csrf !== undefined) headers["x-csrf-token"] = csrf;
  return fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function problemOf(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let detail = res.statusText;
  try {
    const p = (await res.json()) as { code?: string; detail?: string; title?: string };
    code = p.code ?? code;
    detail = p.detail ?? p.title ?? detail;
  } catch {
    // not a problem body: keep the status
  }
  const retry = Number(res.headers.get("retry-after"));
  return new ApiError(res.status, code, detail, Number.isFinite(retry) && retry > 0 ? retry : null);
}

async function fetchMe(): Promise<Me | null> {
  const res = await sendJson("GET", "/api/auth/me");
  if (res.status === 401) return null;
  if (!res.ok) throw await problemOf(res);
  return (await res.json()) as Me;
}

/** Provides {@link AuthState}: reads the session once, keeps the CSRF token for the API client. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const meQuery = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Number.POSITIVE_INFINITY });
  const me = meQuery.isPending ? undefined : (meQuery.data ?? null);

  useEffect(() => {
    setCsrfToken(me?.csrf_token ?? null);
  }, [me]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      client.setQueryData(ME_KEY, null);
    });
    return () => setUnauthorizedHandler(null);
  }, [client]);

  const login = useCallback(
    async (loginName: string, password: string) => {
      const res = await sendJson("POST", "/api/auth/login", { login: loginName, password });
      if (!res.ok) throw await problemOf(res);
      const signedIn = (await res.json()) as Me;
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== "auth" });
      setCsrfToken(signedIn.csrf_token);
      client.setQueryData(ME_KEY, signedIn);
      return signedIn;
    },
    [client],
  );

  const logout = useCallback(async () => {
    const res = await sendJson("POST", "/api/auth/logout", undefined, me?.csrf_token);
    if (!res.ok && res.status !== 401) throw await problemOf(res);
    setCsrfToken(null);
    client.clear();
    client.setQueryData(ME_KEY, null);
  }, [client, me]);

  const state = useMemo<AuthState>(() => {
    const roleIn = (projectId: string): Role | null => {
      if (!me) return null;
      if (me.user.is_owner) return "admin";
      return me.memberships.find((m) => m.project_id === projectId)?.role ?? null;
    };
    const allows = (access: Access, projectId?: string): boolean => {
      if (!me) return false;
      if (me.user.is_owner) return true;
      if (access === "owner") return false;
      if (projectId === undefined)
        return access === "viewer" || me.memberships.some((m) => m.role === "admin");
      const role = roleIn(projectId);
      return access === "viewer" ? role !== null : role === "admin";
    };
    return { me, login, logout, roleIn, allows };
  }, [me, login, logout]);

  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}

/** The auth state. @throws Error outside {@link AuthProvider}. */
export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (state === null) throw new Error("useAuth outside AuthProvider");
  return state;
}
