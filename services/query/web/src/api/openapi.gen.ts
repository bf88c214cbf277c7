// Generated from the query service's OpenAPI document by services/query/web/scripts/api-types.ts.
// Do not edit: run `pnpm api:types` after changing a route schema.
export interface paths {
    "/api/analysis/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a dialog analysis run now (admin)
         * @description Sends a core-NATS request to the analyst on `{root}.cmd.{project}.analysis.run` with JSON `{project, shift_id? | from, to, min_incoming, max_dialogs?, requested_by}` and waits up to 2 s for `{run_id, dialogs_queued}` (202) or `{error}` (409 analysis_rejected). No analyst listening or no answer in time: 503 analyst_unavailable.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description start of the window, inclusive (ISO instant) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed)
                         */
                        from?: string;
                        maxDialogs?: number;
                        /** @default 3 */
                        minIncoming?: number;
                        project: string;
                        /** @description shift id: the shift's local start date (24 h shifts, e.g. 2026-10-21) or date and time (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                        shiftId?: string;
                        /**
                         * Format: date-time
                         * @description end of the window, exclusive (ISO instant) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed)
                         */
                        to?: string;
                    };
                };
            };
            responses: {
                /** @description the run was accepted; results arrive as analysis events */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description dialogs the analyst queued for analysis */
                            dialogs_queued: number;
                            project_id: string;
                            /** @description the analyst's id of the run */
                            run_id: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics/status-durations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Time per status and group, full cycles and totals per day, week or month
         * @description Closed status intervals of the project that started in the local days [from, to] (the project's time zone), bucketed by the day, week (Monday) or month of their start. Per status and per group: orders that visited, intervals, total, mean, median and p90 of the per-order time (working or wall-clock seconds), and per group the SLA ok/near/over of those orders (their total working time in the group, at the bucket's end or now). Full cycles from rm.order_cycle_metrics, bucketed by their end. Totals per bucket are the total time of all orders in it. Open intervals are counted but not measured. Finished buckets (and a period that is one calendar day, week, month or year) are read from the projector's aggregates: counts, totals and means exact, median and p90 from histograms within 1 % (`percentiles`); other blocks from the intervals. `coverage` states the period, denominators, as_of and the approximation.
         */
        get: {
            parameters: {
                query: {
                    /** @description working: the intervals' stored working_seconds (working calendar of the group); wall: ended_at − started_at */
                    basis?: "working" | "wall";
                    /** @description first day, inclusive, in the project's time zone (YYYY-MM-DD) (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    from: string;
                    granularity?: "day" | "week" | "month";
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description last day, inclusive, in the project's time zone (YYYY-MM-DD) (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    to: string;
                    /** @description normal / urgent: intervals by their is_urgent (the grid they were judged with); cycles by the order's is_urgent */
                    urgency?: "all" | "normal" | "urgent";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description time per status and group, full cycles and totals per day/week/month. Intervals count in the bucket of their start and only once closed; cycles in the bucket of their end */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            basis: "working" | "wall";
                            /** @description every bucket of the range in order, empty ones included */
                            buckets: {
                                /** @description local date the bucket starts on (YYYY-MM-DD; a Monday for weeks, the 1st for months) */
                                bucket: string;
                                /** @description sorted by rule name */
                                cycles: {
                                    /** @description closed cycles with a measured duration: the denominator */
                                    cycles: number;
                                    /** @description total_seconds / cycles */
                                    mean_seconds: number;
                                    median_seconds: number;
                                    p90_seconds: number;
                                    rule_name: string;
                                    total_seconds: number;
                                }[];
                                /** @description the bucket's end instant, exclusive */
                                end: string;
                                /** @description sorted by group id, unknown group last */
                                groups: {
                                    /** @description null for intervals whose group is unknown */
                                    group_id: number | null;
                                    group_name: string | null;
                                    /** @description measured intervals (visits) here */
                                    intervals: number;
                                    /** @description total_seconds / orders_visited */
                                    mean_seconds: number;
                                    /** @description median of the per-order sums */
                                    median_seconds: number;
                                    /** @description orders with at least one measured interval here: the denominator of mean/median/p90 */
                                    orders_visited: number;
                                    /** @description 90th percentile of the per-order sums */
                                    p90_seconds: number;
                                    sla: {
                                        /** @description orders_visited whose group has an SLA limit: the denominator */
                                        judged: number;
                                        near: number;
                                        near_percent: number | null;
                                        ok: number;
                                        /** @description 100 × ok / judged, rounded to 0.1; null when judged is 0 */
                                        ok_percent: number | null;
                                        over: number;
                                        over_percent: number | null;
                                    };
                                    /** @description sum of the measured intervals, seconds */
                                    total_seconds: number;
                                }[];
                                /** @description how median_seconds and p90_seconds were computed */
                                percentiles: {
                                    /** @description bound on |reported − exact| / exact of median_seconds and p90_seconds (0 when exact) */
                                    max_relative_error: number;
                                    /** @enum {string} */
                                    method: "exact" | "histogram";
                                };
                                /** @description the bucket's start instant (it may lie before the range: only the range counts) */
                                start: string;
                                /** @description sorted by group id, then status id */
                                statuses: {
                                    group_id: number | null;
                                    group_name: string | null;
                                    /** @description measured intervals (visits) here */
                                    intervals: number;
                                    /** @description total_seconds / orders_visited */
                                    mean_seconds: number;
                                    /** @description median of the per-order sums */
                                    median_seconds: number;
                                    /** @description orders with at least one measured interval here: the denominator of mean/median/p90 */
                                    orders_visited: number;
                                    /** @description 90th percentile of the per-order sums */
                                    p90_seconds: number;
                                    status_id: number;
                                    status_name: string | null;
                                    /** @description sum of the measured intervals, seconds */
                                    total_seconds: number;
                                }[];
                                totals: {
                                    /** @description measured intervals */
                                    intervals: number;
                                    /** @description intervals that started here but are still open: not measured, left out of every statistic */
                                    open_intervals: number;
                                    /** @description orders with at least one measured interval */
                                    orders: number;
                                    /** @description their sum, seconds */
                                    total_seconds: number;
                                    /** @description closed intervals without a stored working_seconds (basis=working only): left out */
                                    unmeasured_intervals: number;
                                };
                            }[];
                            /** @description what the answer covers: period, denominators, as_of and the approximation of its percentiles */
                            coverage: {
                                /** @description the instant the answer was computed for: SLA of unfinished buckets is judged here */
                                as_of: string;
                                /** @description buckets (and the period) read from the projector's per-day/week/month/year aggregates */
                                blocks_from_aggregates: number;
                                /** @description buckets (and the period) computed from the intervals: cut by the range, not ended at as_of, or a period that is not one calendar day/week/month/year */
                                blocks_from_intervals: number;
                                /** @description which intervals and cycles count (closed intervals started in the range; cycles ended in it) */
                                counted: string;
                                denominators: {
                                    cycles: string;
                                    mean_median_p90: string;
                                    sla_percent: string;
                                };
                                /** @description the least exact method used by any block of the answer */
                                percentiles: {
                                    /** @description bound on |reported − exact| / exact of median_seconds and p90_seconds (0 when exact) */
                                    max_relative_error: number;
                                    /** @enum {string} */
                                    method: "exact" | "histogram";
                                };
                                /** @description exclusive */
                                range_end: string;
                                range_start: string;
                            };
                            from: string;
                            /** @enum {string} */
                            granularity: "day" | "week" | "month";
                            /** @description the whole range as one bucket (percentiles are not sums of buckets) */
                            period: {
                                /** @description sorted by rule name */
                                cycles: {
                                    /** @description closed cycles with a measured duration: the denominator */
                                    cycles: number;
                                    /** @description total_seconds / cycles */
                                    mean_seconds: number;
                                    median_seconds: number;
                                    p90_seconds: number;
                                    rule_name: string;
                                    total_seconds: number;
                                }[];
                                /** @description sorted by group id, unknown group last */
                                groups: {
                                    /** @description null for intervals whose group is unknown */
                                    group_id: number | null;
                                    group_name: string | null;
                                    /** @description measured intervals (visits) here */
                                    intervals: number;
                                    /** @description total_seconds / orders_visited */
                                    mean_seconds: number;
                                    /** @description median of the per-order sums */
                                    median_seconds: number;
                                    /** @description orders with at least one measured interval here: the denominator of mean/median/p90 */
                                    orders_visited: number;
                                    /** @description 90th percentile of the per-order sums */
                                    p90_seconds: number;
                                    sla: {
                                        /** @description orders_visited whose group has an SLA limit: the denominator */
                                        judged: number;
                                        near: number;
                                        near_percent: number | null;
                                        ok: number;
                                        /** @description 100 × ok / judged, rounded to 0.1; null when judged is 0 */
                                        ok_percent: number | null;
                                        over: number;
                                        over_percent: number | null;
                                    };
                                    /** @description sum of the measured intervals, seconds */
                                    total_seconds: number;
                                }[];
                                /** @description how median_seconds and p90_seconds were computed */
                                percentiles: {
                                    /** @description bound on |reported − exact| / exact of median_seconds and p90_seconds (0 when exact) */
                                    max_relative_error: number;
                                    /** @enum {string} */
                                    method: "exact" | "histogram";
                                };
                                /** @description sorted by group id, then status id */
                                statuses: {
                                    group_id: number | null;
                                    group_name: string | null;
                                    /** @description measured intervals (visits) here */
                                    intervals: number;
                                    /** @description total_seconds / orders_visited */
                                    mean_seconds: number;
                                    /** @description median of the per-order sums */
                                    median_seconds: number;
                                    /** @description orders with at least one measured interval here: the denominator of mean/median/p90 */
                                    orders_visited: number;
                                    /** @description 90th percentile of the per-order sums */
                                    p90_seconds: number;
                                    status_id: number;
                                    status_name: string | null;
                                    /** @description sum of the measured intervals, seconds */
                                    total_seconds: number;
                                }[];
                                totals: {
                                    /** @description measured intervals */
                                    intervals: number;
                                    /** @description intervals that started here but are still open: not measured, left out of every statistic */
                                    open_intervals: number;
                                    /** @description orders with at least one measured interval */
                                    orders: number;
                                    /** @description their sum, seconds */
                                    total_seconds: number;
                                    /** @description closed intervals without a stored working_seconds (basis=working only): left out */
                                    unmeasured_intervals: number;
                                };
                            };
                            project_id: string;
                            /** @description 00:00 of the day after `to`, exclusive */
                            range_end: string;
                            /** @description 00:00 of `from` in the project's time zone */
                            range_start: string;
                            /** @description the project's time zone the days, weeks and months are cut in */
                            time_zone: string;
                            to: string;
                            /** @enum {string} */
                            urgency: "all" | "normal" | "urgent";
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit log (admins) */
        get: {
            parameters: {
                query?: {
                    actor?: string;
                    entity?: string;
                    from?: string;
                    limit?: number;
                    project_id?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description create | update | delete | revoke | change | password_change */
                                action: string;
                                /** @description login of the author (`cli` for the command line) */
                                actor: string;
                                /** @description values after the change, secrets masked (`***`) */
                                after: unknown;
                                at: string;
                                /** @description values before the change, secrets masked (`***`) */
                                before: unknown;
                                /** @description user | membership | api_token | settings | overrides | project */
                                entity: string;
                                entity_id: string;
                                id: string;
                                project_id: string | null;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in
         * @description Checks login and password and opens a session: sets the `pulse_session` cookie (HttpOnly, SameSite=Strict) and answers the caller (`Me`, with the `csrf_token` every cookie-authenticated write must send as `X-CSRF-Token`). 401 `invalid_credentials` for an unknown login, an inactive user or a wrong password alike; 429 (`rate_limited`, `login_throttled`) with `Retry-After` after too many attempts.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        login: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description the caller */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description send as `X-CSRF-Token` with every cookie-authenticated write (empty for API tokens) */
                            csrf_token: string;
                            /** @description the caller's projects and role in each (the owner: every project as admin) */
                            memberships: {
                                project_id: string;
                                /**
                                 * @description `admin` reads and edits; `viewer` reads
                                 * @enum {string}
                                 */
                                role: "admin" | "viewer";
                            }[];
                            user: {
                                display_name: string;
                                id: string;
                                is_owner: boolean;
                                login: string;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description too many attempts; `Retry-After` says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out
         * @description Ends the session (server-side) and clears the cookie. A bearer-token call changes nothing.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description signed out */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the caller */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description send as `X-CSRF-Token` with every cookie-authenticated write (empty for API tokens) */
                            csrf_token: string;
                            /** @description the caller's projects and role in each (the owner: every project as admin) */
                            memberships: {
                                project_id: string;
                                /**
                                 * @description `admin` reads and edits; `viewer` reads
                                 * @enum {string}
                                 */
                                role: "admin" | "viewer";
                            }[];
                            user: {
                                display_name: string;
                                id: string;
                                is_owner: boolean;
                                login: string;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the caller's password
         * @description Checks `current_password` (401 `invalid_credentials` when wrong), stores `new_password` (at least 10 characters, 400 otherwise) and ends the caller's other sessions.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        current_password: string;
                        /** @description at least 10 characters */
                        new_password: string;
                    };
                };
            };
            responses: {
                /** @description changed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/dialogs/analysis": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Analysed dialogs (latest result per dialog) with filters
         * @description One row per dialog (dialog_key, which names its window) from rm.analysis_results: the newest scored result; with includeFailed=true, dialogs with only failed results are listed by their newest failure. Filters apply to that result. Each row has facts, evidence, reasons, mode/model/prompt_version, usage and the dialog text (rm.shift_deals, else rm.messages of the window).
         */
        get: {
            parameters: {
                query: {
                    dir?: "asc" | "desc";
                    /** @description inclusive lower bound on the midpoint of the dialog's window (ISO instant): a whole shift falls in exactly one period (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    from?: string;
                    funnelStage?: "new_lead" | "not_qualified" | "qualified" | "consultation_booked" | "consultation_completed" | "deal_closed" | "deal_lost";
                    /** @description also list dialogs whose analysis failed and that have no scored result (status failed) */
                    includeFailed?: "true" | "false";
                    /** @description interest band of the score: hot 75–100, warm 40–74, cold 0–39 */
                    interest?: "hot" | "warm" | "cold";
                    /** @description manager (responsible user id) recorded with the analysis */
                    manager?: number;
                    /** @description score ≥ minScore */
                    minScore?: number;
                    page?: number;
                    pageSize?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description every questionnaire question answered (true) or not */
                    qualificationComplete?: "true" | "false";
                    /** @description only dialogs analysed for this shift (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    shiftId?: string;
                    sort?: "score" | "recorded_at" | "window_start";
                    /** @description exclusive upper bound on the midpoint of the dialog's window (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description one page of analysed dialogs (latest result per dialog) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description `{lead id | phone}:{window start}:{window end}` (names the window) */
                                dialog_key: string;
                                /** @description the window's dialog: the shift deal table's text, else built from rm.messages; null if none */
                                dialog_text: string | null;
                                dialog_text_source: ("shift_deals" | "messages") | null;
                                duration_ms: number | null;
                                /** @description set when status is failed */
                                error: {
                                    /** @description e.g. invalid_output, timeout, http_429, budget_exhausted */
                                    code: string;
                                    message: string | null;
                                } | null;
                                /** @description quotes supporting the facts */
                                evidence: unknown[] | null;
                                /** @description the extracted facts (DialogFacts) */
                                facts: {
                                    [key: string]: unknown;
                                } | null;
                                funnel_stage: string | null;
                                incoming: number | null;
                                input_hash: string;
                                interest: ("hot" | "warm" | "cold") | null;
                                lead_id: number | null;
                                manager_id: number | null;
                                /** @description the manager's name from the CRM users dictionary; null when unknown (show manager_id) */
                                manager_name: string | null;
                                /** @description llm | offline */
                                mode: string;
                                model: string | null;
                                outgoing: number | null;
                                phone: string | null;
                                prompt_version: string;
                                qualification_complete: boolean | null;
                                /** @description points per rule; they add up to the score */
                                reasons: {
                                    points: number;
                                    rule: string;
                                }[] | null;
                                recorded_at: string;
                                score: number | null;
                                /** @description null for an on-demand window that is not a shift */
                                shift_id: string | null;
                                /** @enum {string} */
                                status: "scored" | "failed";
                                /** @description facts.summary */
                                summary: string | null;
                                usage: {
                                    completion_tokens: number;
                                    prompt_tokens: number;
                                };
                                window_end: string;
                                window_start: string;
                            }[];
                            page: number;
                            page_size: number;
                            project_id: string;
                            /** @description dialogs matching the filters (all pages) */
                            total: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/dialogs/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export analysed dialogs as CSV
         * @description The rows of GET /api/dialogs/analysis for the same filters (all of them, by window start), as a streamed `text/csv` attachment: UTF-8 with BOM, header row, CRLF records, RFC 4180 quoting (multi-line dialog texts stay in one quoted field). Free-text cells that start with = + - @ get a leading ' (no formulas).
         */
        get: {
            parameters: {
                query: {
                    /** @description field separator: semicolon suits Excel with a comma decimal separator (ru/uk/kk locales) */
                    delimiter?: "comma" | "semicolon";
                    /** @description inclusive lower bound on the midpoint of the dialog's window (ISO instant): a whole shift falls in exactly one period (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    from?: string;
                    funnelStage?: "new_lead" | "not_qualified" | "qualified" | "consultation_booked" | "consultation_completed" | "deal_closed" | "deal_lost";
                    /** @description also list dialogs whose analysis failed and that have no scored result (status failed) */
                    includeFailed?: "true" | "false";
                    /** @description interest band of the score: hot 75–100, warm 40–74, cold 0–39 */
                    interest?: "hot" | "warm" | "cold";
                    /** @description manager (responsible user id) recorded with the analysis */
                    manager?: number;
                    /** @description score ≥ minScore */
                    minScore?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description every questionnaire question answered (true) or not */
                    qualificationComplete?: "true" | "false";
                    /** @description only dialogs analysed for this shift (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    shiftId?: string;
                    /** @description exclusive upper bound on the midpoint of the dialog's window (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/csv; charset=utf-8 with BOM */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/dialogs/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Dialog and analysis counts of a shift or period
         * @description Window: shiftId, or from+to (on window midpoints), or by default the last fully closed shift under the project's shift settings. dialogs_total/dialogs_eligible count rows of the shift deal tables; analyzed, errors, new_leads, hot/warm/cold and mean_score count the latest result per dialog; failed_results and tokens count every result. Shares name their denominator.
         */
        get: {
            parameters: {
                query: {
                    /** @description inclusive lower bound on the midpoint of the dialog's window (ISO instant): a whole shift falls in exactly one period (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description least incoming messages for a dialog to count as eligible for analysis (default 3) */
                    minIncoming?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description shift id: the shift's local start date (24 h shifts, e.g. 2026-10-21) or date and time (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    shiftId?: string;
                    /** @description exclusive upper bound on the midpoint of the dialog's window (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description dialog and analysis counts of one window */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            min_incoming: number;
                            project_id: string;
                            stats: {
                                /** @description dialogs in the window with a scored result (latest per dialog) */
                                analyzed: number;
                                cold: number;
                                /** @description of those, with ≥ min_incoming incoming messages */
                                dialogs_eligible: number;
                                /** @description rows of the shift deal tables in the window (every deal/contact) */
                                dialogs_total: number;
                                /** @description dialogs whose analysis failed and that have no scored result */
                                errors: number;
                                /** @description failed results recorded in the window (every attempt) */
                                failed_results: number;
                                hot: number;
                                /** @description mean score of the analysed dialogs; null when none */
                                mean_score: number | null;
                                /** @description analysed dialogs at funnel stage new_lead */
                                new_leads: number;
                                /** @description fractions 0–1; the name says the denominator */
                                shares: {
                                    /** @description analyzed / dialogs_eligible */
                                    analyzed_of_eligible: number | null;
                                    /** @description cold / analyzed */
                                    cold_of_analyzed: number | null;
                                    /** @description errors / (analyzed + errors) */
                                    errors_of_attempted: number | null;
                                    /** @description hot / analyzed */
                                    hot_of_analyzed: number | null;
                                    /** @description new_leads / analyzed */
                                    new_leads_of_analyzed: number | null;
                                    /** @description warm / analyzed */
                                    warm_of_analyzed: number | null;
                                };
                                /** @description tokens of every result in the window (scored and failed, every attempt) */
                                tokens: {
                                    completion: number;
                                    prompt: number;
                                    total: number;
                                };
                                warm: number;
                            };
                            window: {
                                from: string;
                                /** @description true when no window was asked for and the last fully closed shift was used */
                                is_default: boolean;
                                /** @description set when the window is one shift */
                                shift_id: string | null;
                                to: string;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/dicts/managers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Managers of a project (CRM users and the managers of its orders) */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's managers: CRM users and every manager an order has */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            managers: {
                                /** @description from the CRM users dictionary; null when unknown (show user_id) */
                                name: string | null;
                                user_id: number;
                            }[];
                            project_id: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/dicts/statuses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status groups and statuses of a project */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's status dictionary */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            groups: {
                                group_id: number;
                                is_main: boolean;
                                name: string;
                            }[];
                            project_id: string;
                            statuses: {
                                alias: string | null;
                                expiration_period_seconds: number | null;
                                group_id: number;
                                /** @description false when the latest dictionary sync no longer listed the status */
                                in_last_sync: boolean;
                                is_active: boolean;
                                is_closing_order: boolean;
                                name: string;
                                sort: number | null;
                                status_id: number;
                                /** @description amoCRM stage type (0 regular, 1 unsorted); null for KeyCRM */
                                type: number | null;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Integration health: CRM/Radist API reachability and token, webhook freshness, notifications */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            apis: {
                                /**
                                 * @description `crm` = the project's KeyCRM/amoCRM API; `radist` = Radist.Online
                                 * @enum {string}
                                 */
                                api: "crm" | "radist";
                                /** @description call attempts recorded */
                                calls: number;
                                /** @description time of the last attempt */
                                checked_at: string | null;
                                /** @description the project has access configured (base URL and token / API key) */
                                configured: boolean;
                                /** @description attempts without a 2xx answer */
                                failures: number;
                                last_error: {
                                    at: string;
                                    message: string;
                                    /** @description HTTP status of the answer; null = no answer (network, timeout) */
                                    status: number | null;
                                } | null;
                                /** @description time of the last 2xx answer */
                                last_success_at: string | null;
                                /** @description the last call got an HTTP answer; null = never called */
                                reachable: boolean | null;
                                /** @description false after a 401/403, true after a 2xx, null before either */
                                token_valid: boolean | null;
                            }[];
                            /** @description the project's CRM: keycrm | amocrm */
                            kind: string;
                            notifications: {
                                bot_token_set: boolean;
                                /** @description admins only; null for viewers */
                                chat_id: string | null;
                                /** @description Telegram settings exist (bot token and chat id) */
                                configured: boolean;
                                enabled: boolean;
                                failed: number;
                                last_error: {
                                    at: string;
                                    message: string;
                                    /** @description HTTP status of the answer; null = no answer (network, timeout) */
                                    status: number | null;
                                } | null;
                                last_sent_at: string | null;
                                sent: number;
                                /** @description admins only; null = the default template (or a viewer) */
                                template: string | null;
                                test_sent: number;
                                /** @description claimed but not confirmed before a restart: never resent */
                                unconfirmed: number;
                            };
                            project_id: string;
                            webhooks: {
                                last_accepted_at: string | null;
                                last_received_at: string | null;
                                source: string;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/leads/{leadId}/attribution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One lead's UTM values, conflicts and ad-team attribution
         * @description rm.leads: the UTM values after the duplicate-field precedence, the conflicts between primary and duplicate fields, team, confidence, matched rule and pattern, ambiguity with the candidate teams, qualification and outcome, and the sale when the lead is one now. 404 `lead_not_found` for a lead the project does not have.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path: {
                    /** @description amoCRM lead id */
                    leadId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the teams an ambiguous source matched */
                            candidate_teams: string[];
                            /** @enum {string} */
                            confidence: "high" | "medium" | "low";
                            fbclid: string | null;
                            /** @description the source matched several teams: attributed to none, never guessed */
                            is_ambiguous: boolean;
                            is_lost: boolean;
                            is_qualified: boolean;
                            is_won: boolean;
                            lead_created_at: string | null;
                            lead_id: number;
                            loss_reason: string | null;
                            lost_at: string | null;
                            manager_id: number | null;
                            manager_name: string | null;
                            /** @description the pattern or utm_source text that matched */
                            matched_pattern: string | null;
                            /** @description exact_utm_source | fb_team | pattern (null: none) */
                            matched_rule: string | null;
                            name: string | null;
                            pipeline_id: number | null;
                            project_id: string;
                            /** @description first entry into a qualified stage */
                            qualified_at: string | null;
                            /** @description the sale when the lead is in 142 now */
                            sale: {
                                amount: number;
                                currency: string;
                                product: string | null;
                                sold_at: string;
                            } | null;
                            status_id: number | null;
                            /** @description null when unattributed or ambiguous */
                            team: string | null;
                            utm_campaign: string | null;
                            /** @description fields whose primary and duplicate custom fields disagree: {key, field_id, value, duplicate_field_id, duplicate_value} */
                            utm_conflicts: unknown[];
                            utm_content: string | null;
                            utm_medium: string | null;
                            utm_referrer: string | null;
                            utm_source: string | null;
                            utm_term: string | null;
                            won_at: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/leads/funnel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The pipeline funnel of amoCRM leads
         * @description Leads created in local days [from, to] through the stages of one pipeline (the status group of their status intervals): entered, reached (this stage or a later one), conversion from the previous stage, median working time in the stage (closed intervals, the pipeline's working calendar) and lost (moved from the stage to 143).
         */
        get: {
            parameters: {
                query: {
                    /** @description first local day (project's time zone), inclusive; without from/to: every day (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description amoCRM pipeline (status group); default: the pipeline with the most leads */
                    pipeline?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description last local day (project's time zone), inclusive (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description leads of the funnel: created in the period with an interval in the pipeline */
                            leads: number;
                            pipeline_id: number | null;
                            pipeline_name: string | null;
                            project_id: string;
                            /** @description the pipeline's open stages in order, then 142 (won), then 143 (lost) */
                            stages: {
                                /** @description reached / reached of the previous stage, in % (0.1); null for the first stage or 0 */
                                conversion_from_previous: number | null;
                                /** @description leads with at least one interval in this stage */
                                entered: number;
                                /** @description leads that went from this stage to 143 (lost) */
                                lost: number;
                                /** @description median over leads of their closed working time in this stage (the pipeline's calendar) */
                                median_working_seconds: number | null;
                                name: string | null;
                                /** @description leads that entered this stage or a later one (by stage order; 143 not counted as later) */
                                reached: number;
                                sort: number | null;
                                status_id: number;
                            }[];
                            time_zone: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/leads/qualification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lead qualification and conversion per campaign, creative or team
         * @description Leads (rm.leads) created in local days [from, to] grouped by utm_campaign, utm_content (creative) or the attributed team: leads, qualified (entered a qualified stage), qualification_rate = qualified / leads, won (a sale now), conversion_rate = won / leads (both in %, denominators named in `denominators`), revenue of those sales.
         */
        get: {
            parameters: {
                query: {
                    /** @description campaign: utm_campaign; creative: utm_content; team: the attributed ad team */
                    by?: "campaign" | "creative" | "team";
                    /** @description first local day (project's time zone), inclusive; without from/to: every day (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description only leads now in this pipeline */
                    pipeline?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description last local day (project's time zone), inclusive (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            by: "campaign" | "creative" | "team";
                            denominators: {
                                /** @enum {string} */
                                conversion_rate: "leads";
                                /** @enum {string} */
                                qualification_rate: "leads";
                            };
                            project_id: string;
                            /** @description by leads, descending; the row without a key last */
                            rows: {
                                /** @description won / leads, in % (0.1); null when no leads */
                                conversion_rate: number | null;
                                /** @description campaign, creative or team; null: leads without one */
                                key: string | null;
                                /** @description leads created in the period */
                                leads: number;
                                /** @description qualified / leads, in % (0.1); null when no leads */
                                qualification_rate: number | null;
                                /** @description of them, leads that have entered a qualified stage */
                                qualified: number;
                                /** @description sum of the sales' amounts of these leads */
                                revenue: number;
                                /** @description of them, leads in 142 now (sales) */
                                won: number;
                            }[];
                            time_zone: string;
                            total: {
                                /** @description won / leads, in % (0.1); null when no leads */
                                conversion_rate: number | null;
                                /** @description campaign, creative or team; null: leads without one */
                                key: string | null;
                                /** @description leads created in the period */
                                leads: number;
                                /** @description qualified / leads, in % (0.1); null when no leads */
                                qualification_rate: number | null;
                                /** @description of them, leads that have entered a qualified stage */
                                qualified: number;
                                /** @description sum of the sales' amounts of these leads */
                                revenue: number;
                                /** @description of them, leads in 142 now (sales) */
                                won: number;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a test sale notification to the project's Telegram chat (admin) */
        post: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the Bot API's message id */
                            message_id: number | null;
                            project_id: string;
                            /** @enum {boolean} */
                            sent: true;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List orders with time per status group and KPI
         * @description Orders of one project (rm.orders_current) filtered by [from, to) on dateField, current status or group, order id, urgency, or the SLA state of the current interval at asOf; sorted and paged on the server, by page number or by keyset (`cursor` = the previous page's `next_cursor`, stable while orders are added). Time per group (wall-clock and working) and SLA colours are measured up to asOf (default now). The kpi block covers every order matching the filters, not only the page, including the share of current intervals that are ok / near / over.
         */
        get: {
            parameters: {
                query: {
                    /** @description measure durations up to this instant (default: now) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    asOf?: string;
                    /** @description keyset paging: the `next_cursor` of the previous page (same filters, sort and dir); the page then holds the orders after that page's last row, whatever was inserted meanwhile, and `page` is not used */
                    cursor?: string;
                    dateField?: "started_at" | "last_changed_at" | "order_created_at";
                    dir?: "asc" | "desc";
                    /** @description inclusive lower bound on `dateField` (ISO instant) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description current status group id */
                    groupId?: number;
                    /** @description the order's manager (CRM user id, `manager_id`) */
                    managerId?: number;
                    orderId?: number;
                    page?: number;
                    pageSize?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description SLA state at asOf of the order in the group of its current interval (its latest interval starting before asOf), judged on its total working time in that group */
                    slaState?: "ok" | "near" | "over";
                    sort?: "order_id" | "started_at" | "last_changed_at" | "last_status_group_id";
                    /** @description current status id */
                    statusId?: number;
                    /** @description exclusive upper bound on `dateField` (ISO instant) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    to?: string;
                    /** @description is_urgent of the order (rm.orders_current) */
                    urgent?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description one page of orders, the total and the KPI of the filtered set */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            as_of: string;
                            items: {
                                closed_at: string | null;
                                /** @description null when no interval starts before as_of */
                                current_interval: {
                                    ended_at: string | null;
                                    /** @description the order is urgent: its group is judged with the urgent grid */
                                    is_urgent: boolean;
                                    /** @description wall-clock seconds in the interval up to as_of (measured as in GroupTime) */
                                    seconds: number;
                                    seq: number;
                                    /** @description the limit of the interval's group; null = no SLA */
                                    sla_limit_seconds: number | null;
                                    /** @description as GroupTime.sla_near_at, for the interval's group */
                                    sla_near_at: string | null;
                                    /** @description as GroupTime.sla_over_at, for the interval's group */
                                    sla_over_at: string | null;
                                    /** @description the SLA state at as_of of the order in the interval's group (as GroupTime.sla_state: its total working time in the group, not this interval's alone); null without an SLA limit */
                                    sla_state: ("ok" | "near" | "over") | null;
                                    started_at: string;
                                    status_group_id: number | null;
                                    status_id: number;
                                    /** @description working seconds in the interval up to as_of (as in GroupTime) */
                                    working_seconds: number;
                                } | null;
                                /** @description null while the cycle is open */
                                cycle_ended_at: string | null;
                                /** @description the cycle rule applied (the project's first rule) */
                                cycle_rule: string | null;
                                cycle_started_at: string | null;
                                /** @description cycle duration, wall-clock seconds, as projected */
                                cycle_wall_seconds: number | null;
                                /** @description cycle duration, working seconds, as projected */
                                cycle_working_seconds: number | null;
                                /** @description first entry into the delivery group */
                                delivery_entered_at: string | null;
                                is_urgent: boolean;
                                last_changed_at: string | null;
                                /** @description events-stream sequence of the last event applied; a notice with a higher event_seq is newer */
                                last_event_seq: number;
                                last_status_group_id: number | null;
                                last_status_group_name: string | null;
                                last_status_id: number | null;
                                /** @description from the status dictionary; null when unknown */
                                last_status_name: string | null;
                                manager_id: number | null;
                                /** @description the manager's name from the CRM users dictionary; null when unknown (show manager_id) */
                                manager_name: string | null;
                                order_created_at: string | null;
                                order_id: number;
                                /** @description the first near/over instant of the current group that falls in the running visit: when the SLA state changes without any event (null: never, closed or no SLA) */
                                sla_next_transition_at: string | null;
                                /** @description keycrm | amocrm */
                                source: string;
                                started_at: string | null;
                                time_by_group: {
                                    /** @description status group id; null for intervals whose group is unknown */
                                    group_id: number | null;
                                    group_name: string | null;
                                    /** @description sum of interval durations in the group, in seconds: a closed interval that ended by as_of counts its stored duration_seconds; an open interval, or one that ends after as_of, counts wall-clock time from its start to as_of; intervals starting at or after as_of are excluded */
                                    seconds: number;
                                    /** @description the group's SLA limit in the order's grid, seconds; null = no SLA */
                                    sla_limit_seconds: number | null;
                                    /** @description when the order's total working time in the group reaches the near share of the limit (past or predicted) */
                                    sla_near_at: string | null;
                                    /** @description when the order's total working time in the group exceeds the limit (past or predicted) */
                                    sla_over_at: string | null;
                                    /** @description SLA colour of the group at as_of: the order's total working time in the group (every visit, the running one to as_of) against the limit of its grid — over if as_of ≥ sla_over_at, near if as_of ≥ sla_near_at, else ok; null when the group has no SLA */
                                    sla_state: ("ok" | "near" | "over") | null;
                                    /** @description the same intervals' overlap with the group's working calendar, seconds: a closed interval that ended by as_of counts its stored working_seconds; an open interval (or one ending after as_of, or one without a stored value) is measured to as_of with the domain's workingSeconds and the project's working hours (rm.settings; 24/7 when none) */
                                    working_seconds: number;
                                }[];
                                /** @description the urgent rule that matched, when a rule made the order urgent */
                                urgent_rule: string | null;
                                urgent_since: string | null;
                                /** @description rule | override | unknown (the order's items are not known yet: not urgent until they are) */
                                urgent_source: string;
                            }[];
                            kpi: {
                                /**
                                 * @description aggregates: the projector's per-group counters (the unfiltered board, as_of after the project's last status change); intervals: re-aggregated from the filtered orders' intervals. Both exact, at as_of
                                 * @enum {string}
                                 */
                                computed_from: "aggregates" | "intervals";
                                groups: {
                                    group_id: number | null;
                                    group_name: string | null;
                                    /** @description total_seconds / orders_visited — the mean over orders that visited the group */
                                    mean_seconds: number;
                                    /** @description orders of the filtered set with at least one interval in the group starting before as_of */
                                    orders_visited: number;
                                    /** @description sum of their time in the group, seconds (measured as in time_by_group) */
                                    total_seconds: number;
                                }[];
                                order_count: number;
                                sla: {
                                    /** @description denominator: orders of the filtered set whose current interval's group has an SLA limit (one per order) */
                                    intervals: number;
                                    near: number;
                                    near_percent: number | null;
                                    ok: number;
                                    /** @description 100 × ok / intervals, rounded to 0.1; null when intervals is 0 */
                                    ok_percent: number | null;
                                    over: number;
                                    over_percent: number | null;
                                    /** @description orders whose current group has no SLA limit (not in the denominator); orders without intervals count nowhere */
                                    without_sla: number;
                                };
                            };
                            /** @description opaque keyset position after the last item (pass as `cursor` for the next page); null on the last page */
                            next_cursor: string | null;
                            page: number;
                            page_size: number;
                            project_id: string;
                            /** @description orders matching the filters (all pages) */
                            total: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{orderId}/overrides": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An order's overrides
         * @description The overrides set on the order (rm.order_overrides), all null when none. 404 `order_not_found` when rm.orders_current does not have the order.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path: {
                    orderId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the order's current overrides (as projected into rm.order_overrides) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            changed_by: string | null;
                            order_id: number;
                            /** @description all null when nothing is overridden */
                            overrides: {
                                cycle_end_at: string | null;
                                cycle_start_at: string | null;
                                sla_profile: string | null;
                                urgent: boolean | null;
                            };
                            project_id: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Set an order's overrides
         * @description Replaces the order's overrides (urgent, SLA profile, cycle start/end; null = follow the rules; they win over rules). Validated with the domain rules (400 `invalid_settings`; `sla_profile` must be a grid of the SLA settings, `normal` or `urgent`), published as `order.overrides_changed` and answered 202 once stored; the projector then recomputes the order. 404 `order_not_found` when rm.orders_current does not have the order. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path: {
                    orderId: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        cycle_end_at: string | null;
                        cycle_start_at: string | null;
                        sla_profile: string | null;
                        urgent: boolean | null;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{orderId}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status events and intervals of one order
         * @description Every status event of the order (rm.order_status_events, sorted by status_changed_at) and its intervals with durations measured up to asOf (default now). 404 `order_not_found` if the project has no event of the order.
         */
        get: {
            parameters: {
                query: {
                    /** @description measure interval durations up to this instant (default: now) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    asOf?: string;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path: {
                    orderId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the order's status events and intervals */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            as_of: string;
                            /** @description sorted by status_changed_at, then stream_seq */
                            events: {
                                crm_event: string;
                                dedup_key: string;
                                event_id: string;
                                /** @description false for a delivery that only repeated the current status (no interval) */
                                is_effective: boolean;
                                manager_id: number | null;
                                /** @description the manager's name from the CRM users dictionary; null when unknown (show manager_id) */
                                manager_name: string | null;
                                order_created_at: string | null;
                                previous_status_id: number | null;
                                recorded_at: string;
                                source: string;
                                status_changed_at: string;
                                status_group_id: number | null;
                                status_group_name: string | null;
                                status_id: number;
                                status_name: string | null;
                                /** @description events-stream sequence */
                                stream_seq: number;
                                /** @description crm (the CRM gave the time) | received (receive time was used) */
                                time_source: string;
                            }[];
                            /** @description sorted by seq; intervals starting at or after as_of are left out */
                            intervals: {
                                /** @description seconds, measured as in GroupTime.seconds */
                                duration_seconds: number;
                                /** @description null while the interval is open */
                                ended_at: string | null;
                                is_urgent: boolean;
                                /** @description true when the interval had not ended by as_of */
                                open_at_as_of: boolean;
                                /** @description the interval up to min(ended_at, as_of) cut by the group's working calendar: ascending, touching, alternating working and non-working */
                                segments: {
                                    end: string;
                                    start: string;
                                    /** @description true for working time of the group's calendar */
                                    working: boolean;
                                }[];
                                seq: number;
                                sla_limit_seconds: number | null;
                                /** @description as GroupTime.sla_near_at, for the interval's group */
                                sla_near_at: string | null;
                                /** @description as GroupTime.sla_over_at, for the interval's group */
                                sla_over_at: string | null;
                                /** @description the SLA state of the order's total working time in the interval's group when the interval ended (or at as_of while it was open): over if that instant ≥ sla_over_at, near if ≥ sla_near_at, else ok */
                                sla_state: ("ok" | "near" | "over") | null;
                                started_at: string;
                                status_group_id: number | null;
                                status_group_name: string | null;
                                status_id: number;
                                status_name: string | null;
                                /** @description working seconds, measured as in GroupTime.working_seconds */
                                working_seconds: number;
                            }[];
                            /** @description the order's current row; null if only events are known */
                            order: {
                                closed_at: string | null;
                                /** @description null when no interval starts before as_of */
                                current_interval: {
                                    ended_at: string | null;
                                    /** @description the order is urgent: its group is judged with the urgent grid */
                                    is_urgent: boolean;
                                    /** @description wall-clock seconds in the interval up to as_of (measured as in GroupTime) */
                                    seconds: number;
                                    seq: number;
                                    /** @description the limit of the interval's group; null = no SLA */
                                    sla_limit_seconds: number | null;
                                    /** @description as GroupTime.sla_near_at, for the interval's group */
                                    sla_near_at: string | null;
                                    /** @description as GroupTime.sla_over_at, for the interval's group */
                                    sla_over_at: string | null;
                                    /** @description the SLA state at as_of of the order in the interval's group (as GroupTime.sla_state: its total working time in the group, not this interval's alone); null without an SLA limit */
                                    sla_state: ("ok" | "near" | "over") | null;
                                    started_at: string;
                                    status_group_id: number | null;
                                    status_id: number;
                                    /** @description working seconds in the interval up to as_of (as in GroupTime) */
                                    working_seconds: number;
                                } | null;
                                /** @description null while the cycle is open */
                                cycle_ended_at: string | null;
                                /** @description the cycle rule applied (the project's first rule) */
                                cycle_rule: string | null;
                                cycle_started_at: string | null;
                                /** @description cycle duration, wall-clock seconds, as projected */
                                cycle_wall_seconds: number | null;
                                /** @description cycle duration, working seconds, as projected */
                                cycle_working_seconds: number | null;
                                /** @description first entry into the delivery group */
                                delivery_entered_at: string | null;
                                is_urgent: boolean;
                                last_changed_at: string | null;
                                /** @description events-stream sequence of the last event applied; a notice with a higher event_seq is newer */
                                last_event_seq: number;
                                last_status_group_id: number | null;
                                last_status_group_name: string | null;
                                last_status_id: number | null;
                                /** @description from the status dictionary; null when unknown */
                                last_status_name: string | null;
                                manager_id: number | null;
                                /** @description the manager's name from the CRM users dictionary; null when unknown (show manager_id) */
                                manager_name: string | null;
                                order_created_at: string | null;
                                order_id: number;
                                /** @description the first near/over instant of the current group that falls in the running visit: when the SLA state changes without any event (null: never, closed or no SLA) */
                                sla_next_transition_at: string | null;
                                /** @description keycrm | amocrm */
                                source: string;
                                started_at: string | null;
                                time_by_group: {
                                    /** @description status group id; null for intervals whose group is unknown */
                                    group_id: number | null;
                                    group_name: string | null;
                                    /** @description sum of interval durations in the group, in seconds: a closed interval that ended by as_of counts its stored duration_seconds; an open interval, or one that ends after as_of, counts wall-clock time from its start to as_of; intervals starting at or after as_of are excluded */
                                    seconds: number;
                                    /** @description the group's SLA limit in the order's grid, seconds; null = no SLA */
                                    sla_limit_seconds: number | null;
                                    /** @description when the order's total working time in the group reaches the near share of the limit (past or predicted) */
                                    sla_near_at: string | null;
                                    /** @description when the order's total working time in the group exceeds the limit (past or predicted) */
                                    sla_over_at: string | null;
                                    /** @description SLA colour of the group at as_of: the order's total working time in the group (every visit, the running one to as_of) against the limit of its grid — over if as_of ≥ sla_over_at, near if as_of ≥ sla_near_at, else ok; null when the group has no SLA */
                                    sla_state: ("ok" | "near" | "over") | null;
                                    /** @description the same intervals' overlap with the group's working calendar, seconds: a closed interval that ended by as_of counts its stored working_seconds; an open interval (or one ending after as_of, or one without a stored value) is measured to as_of with the domain's workingSeconds and the project's working hours (rm.settings; 24/7 when none) */
                                    working_seconds: number;
                                }[];
                                /** @description the urgent rule that matched, when a rule made the order urgent */
                                urgent_rule: string | null;
                                urgent_since: string | null;
                                /** @description rule | override | unknown (the order's items are not known yet: not urgent until they are) */
                                urgent_source: string;
                            } | null;
                            order_id: number;
                            project_id: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Projects the caller may see */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the projects the caller may see, by id */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                active: boolean;
                                base_url: string | null;
                                kind: ("keycrm" | "amocrm") | string;
                                name: string;
                                project_id: string;
                                registered_at: string;
                                time_zone: string;
                            }[];
                            /**
                             * @description the caller's role
                             * @enum {string}
                             */
                            role: "admin" | "viewer";
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A project's fields (secrets only as set/fingerprint) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            active: boolean;
                            /** @description first 12 hex characters of the token's SHA-256 */
                            api_token_fingerprint: string | null;
                            /** @description whether a CRM API token is stored (its value is never answered) */
                            api_token_set: boolean;
                            base_url: string | null;
                            /** @enum {string} */
                            kind: "keycrm" | "amocrm";
                            name: string;
                            project_id: string;
                            /** @description Telegram sale notifications (the bot token only as set/fingerprint); null = off */
                            telegram?: {
                                /** @description first 12 hex characters of the bot token's SHA-256 */
                                bot_token_fingerprint: string | null;
                                bot_token_set: boolean;
                                chat_id: string;
                                enabled: boolean;
                                template: string | null;
                            } | null;
                            time_zone: string;
                            /** @description first 12 hex characters of the webhook secret's SHA-256 */
                            webhook_secret_fingerprint: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a project's fields (project admins)
         * @description Changes `base_url`, `api_token` (write-only; `null` removes it), `time_zone`, `active`. Relayed to ingest over `{root}.cmd.{project}.project.update`; answers the project's fields afterwards (the token only as `api_token_set` and `api_token_fingerprint`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description false stops webhooks and pollers of the project */
                        active?: boolean;
                        /** @description CRM API token, write-only (never answered); null removes it */
                        api_token?: string | null;
                        /** @description CRM API root (http/https URL); null = the CRM API is not used */
                        base_url?: string | null;
                        /** @description Telegram sale notifications; null removes them */
                        telegram?: {
                            /** @description Telegram bot token, write-only (never answered) */
                            bot_token?: string;
                            chat_id?: string;
                            enabled?: boolean;
                            /** @description message template; null = the default */
                            template?: string | null;
                        } | null;
                        /** @description IANA time zone (Europe/Kyiv) or ±hh:mm */
                        time_zone?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            active: boolean;
                            /** @description first 12 hex characters of the token's SHA-256 */
                            api_token_fingerprint: string | null;
                            /** @description whether a CRM API token is stored (its value is never answered) */
                            api_token_set: boolean;
                            base_url: string | null;
                            /** @enum {string} */
                            kind: "keycrm" | "amocrm";
                            name: string;
                            project_id: string;
                            /** @description Telegram sale notifications (the bot token only as set/fingerprint); null = off */
                            telegram?: {
                                /** @description first 12 hex characters of the bot token's SHA-256 */
                                bot_token_fingerprint: string | null;
                                bot_token_set: boolean;
                                chat_id: string;
                                enabled: boolean;
                                template: string | null;
                            } | null;
                            time_zone: string;
                            /** @description first 12 hex characters of the webhook secret's SHA-256 */
                            webhook_secret_fingerprint: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/projects/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members of a project (its admins) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            display_name: string;
                            login: string;
                            /**
                             * @description `admin` reads and edits; `viewer` reads
                             * @enum {string}
                             */
                            role: "admin" | "viewer";
                            user_id: string;
                        }[];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Add a member or change its role (project admins) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description `admin` reads and edits; `viewer` reads
                         * @enum {string}
                         */
                        role: "admin" | "viewer";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            display_name: string;
                            login: string;
                            /**
                             * @description `admin` reads and edits; `viewer` reads
                             * @enum {string}
                             */
                            role: "admin" | "viewer";
                            user_id: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove a member (project admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/replays": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Recent recomputations of the read models
         * @description Replays of the project in ops.replays, newest first. Replays of the whole installation (no project) are not listed.
         */
        get: {
            parameters: {
                query: {
                    limit?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    status?: "running" | "retrying" | "done" | "failed";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description recent replays of the project, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description attempts started so far (0 until the first starts) */
                                attempts: number;
                                /** @description why a failed replay failed */
                                error: string | null;
                                /** @description events read so far */
                                events_done: number;
                                /** @description events the replay reads (0 while unknown) */
                                events_total: number;
                                finished_at: string | null;
                                /** @description replay id; for a settings change, the id of the settings event */
                                id: string;
                                /** @description error of the last failed attempt (kept after a later success), e.g. `NatsUnavailableError: …` */
                                last_error: string | null;
                                /** @description when the next attempt starts (retrying only) */
                                next_attempt_at: string | null;
                                /** @description events_done / events_total (1 when done; null while the total is unknown) */
                                progress: number | null;
                                project_id: string | null;
                                /** @description why it ran, e.g. the settings event type */
                                reason: string;
                                /** @description who caused it (the admin's subject for a settings change) */
                                requested_by: string | null;
                                started_at: string;
                                /** @description running (an attempt runs) | retrying (the last attempt failed for a transient reason — NATS or Postgres unreachable, a crash — and the next starts at next_attempt_at) | done | failed (a deterministic failure that retrying cannot fix; see error) */
                                status: string;
                                trigger_event_id: string | null;
                            }[];
                            project_id: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/replays/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Progress and outcome of one recomputation
         * @description The replay's progress while it runs and, when done, its diff. A settings change answers with this URL; 404 `replay_not_found` until the projector has picked up the change (usually within a second), or when the id is unknown in the project.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description a recomputation of the read models, with its progress and, once done, its diff */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description attempts started so far (0 until the first starts) */
                            attempts: number;
                            /** @description what the recomputation changed, as the projector recorded it (null until it finishes): the orders whose SLA state, cycle time, current status group or closing time differs between the old and the new read models (a settings change, or a dictionary sync that moved a status or flipped is_closing_order), each with before/after, e.g. `{"orders_changed": 2, "changes": [{"order_id": 15001, "field": "sla_state", "group_id": 3, "before": "ok", "after": "over"}], "truncated": false}` */
                            diff: unknown;
                            /** @description why a failed replay failed */
                            error: string | null;
                            /** @description events read so far */
                            events_done: number;
                            /** @description events the replay reads (0 while unknown) */
                            events_total: number;
                            finished_at: string | null;
                            /** @description replay id; for a settings change, the id of the settings event */
                            id: string;
                            /** @description error of the last failed attempt (kept after a later success), e.g. `NatsUnavailableError: …` */
                            last_error: string | null;
                            /** @description when the next attempt starts (retrying only) */
                            next_attempt_at: string | null;
                            /** @description events_done / events_total (1 when done; null while the total is unknown) */
                            progress: number | null;
                            project_id: string | null;
                            /** @description why it ran, e.g. the settings event type */
                            reason: string;
                            /** @description who caused it (the admin's subject for a settings change) */
                            requested_by: string | null;
                            started_at: string;
                            /** @description running (an attempt runs) | retrying (the last attempt failed for a transient reason — NATS or Postgres unreachable, a crash — and the next starts at next_attempt_at) | done | failed (a deterministic failure that retrying cannot fix; see error) */
                            status: string;
                            trigger_event_id: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reports/shifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Shift report per shift and manager
         * @description Rows of rm.shift_deals whose shift midpoint is in [from, to) (default: the last fully closed shift), grouped by shift and responsible user: dialogs, deals, messages in/out, analysed/errors, hot/warm/cold and mean score of each row's analysis (latest scored result of the same dialog). Totals per shift and overall; means are computed from sums.
         */
        get: {
            parameters: {
                query: {
                    /** @description inclusive lower bound on the shift's midpoint (ISO instant); with `to`, or neither (last closed shift) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description exclusive upper bound on the shift's midpoint (ISO instant) (plausible range from 2000-01-01T00:00:00.000Z, before 2100-01-01T00:00:00.000Z; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description per shift and manager: deals, messages, interest and mean score */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            project_id: string;
                            shift_settings: {
                                length_hours: number;
                                /** @description catch-up after a shift ends, hours */
                                lookback_hours: number;
                                /** @description local hour a shift starts at */
                                start_hour: number;
                                /** @description IANA zone or ±hh:mm */
                                time_zone: string;
                            };
                            /** @description shifts with at least one row, oldest first */
                            shifts: {
                                managers: {
                                    /** @description rows whose dialog has a scored result */
                                    analyzed: number;
                                    cold: number;
                                    /** @description rows with a deal (lead) */
                                    deals: number;
                                    /** @description rows of the shift deal table (deals and chat-only contacts) */
                                    dialogs: number;
                                    /** @description rows whose dialog has only failed results */
                                    errors: number;
                                    hot: number;
                                    /** @description responsible_user_id; null = no responsible user (e.g. chat-only contacts) */
                                    manager_id: number | null;
                                    /** @description the manager's name from the CRM users dictionary; null when unknown (show manager_id) */
                                    manager_name: string | null;
                                    /** @description mean score over `analyzed`; null when 0 */
                                    mean_score: number | null;
                                    /** @description incoming messages in the window */
                                    messages_in: number;
                                    /** @description outgoing messages in the window */
                                    messages_out: number;
                                    warm: number;
                                }[];
                                shift_end: string;
                                shift_id: string;
                                shift_start: string;
                                totals: {
                                    /** @description rows whose dialog has a scored result */
                                    analyzed: number;
                                    cold: number;
                                    /** @description rows with a deal (lead) */
                                    deals: number;
                                    /** @description rows of the shift deal table (deals and chat-only contacts) */
                                    dialogs: number;
                                    /** @description rows whose dialog has only failed results */
                                    errors: number;
                                    hot: number;
                                    /** @description mean score over `analyzed`; null when 0 */
                                    mean_score: number | null;
                                    /** @description incoming messages in the window */
                                    messages_in: number;
                                    /** @description outgoing messages in the window */
                                    messages_out: number;
                                    warm: number;
                                };
                            }[];
                            /** @description over every shift of the window */
                            totals: {
                                /** @description rows whose dialog has a scored result */
                                analyzed: number;
                                cold: number;
                                /** @description rows with a deal (lead) */
                                deals: number;
                                /** @description rows of the shift deal table (deals and chat-only contacts) */
                                dialogs: number;
                                /** @description rows whose dialog has only failed results */
                                errors: number;
                                hot: number;
                                /** @description mean score over `analyzed`; null when 0 */
                                mean_score: number | null;
                                /** @description incoming messages in the window */
                                messages_in: number;
                                /** @description outgoing messages in the window */
                                messages_out: number;
                                warm: number;
                            };
                            window: {
                                from: string;
                                /** @description true when no window was asked for and the last fully closed shift was used */
                                is_default: boolean;
                                /** @description set when the window is one shift */
                                shift_id: string | null;
                                to: string;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reports/text": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Daily, weekly or monthly report as plain text
         * @description text/plain (UTF-8, English labels). The period is the local day, ISO week (Mon–Sun) or calendar month containing `date` in the shift settings' time zone (default date: yesterday there). Lists orders/deals that changed status, dialog counts (shifts whose midpoint is in the period), analysed, errors, new leads, hot/warm/cold, mean score, tokens, the top hot dialogs with summaries, and a line per manager.
         */
        get: {
            parameters: {
                query: {
                    /** @description a local date in the period (shift settings' zone); default: yesterday there (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    date?: string;
                    /** @description least incoming messages of an eligible dialog */
                    minIncoming?: number;
                    period?: "day" | "week" | "month";
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description how many hot dialogs to list */
                    top?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/plain; charset=utf-8 */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sales history (amoCRM leads in 142) with filters
         * @description One row per lead that is a sale now (rm.sales: a won lead reopened is not one, won again it is one sale), newest first. Period: local days (project's time zone) of sold_at, the time of the status change into 142. `total` and `revenue` cover every matching sale, not only the page.
         */
        get: {
            parameters: {
                query: {
                    /** @description attribution confidence */
                    confidence?: "high" | "medium" | "low";
                    /** @description first local day (project's time zone), inclusive; without from/to: every day (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description responsible user (manager) id at the sale */
                    manager?: number;
                    page?: number;
                    pageSize?: number;
                    /** @description amoCRM pipeline id the lead was won in */
                    pipeline?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description ad team name (as in the teams setting), or `none` for sales attributed to no team */
                    team?: string;
                    /** @description last local day (project's time zone), inclusive (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description the lead's price, or the pipeline's product price when the price is 0 */
                                amount: number;
                                /** @enum {string} */
                                confidence: "high" | "medium" | "low";
                                contact_name: string | null;
                                currency: string | null;
                                email: string | null;
                                /** @description the utm_source matched several teams: attributed to none */
                                is_ambiguous: boolean;
                                lead_id: number;
                                manager_id: number | null;
                                manager_name: string | null;
                                /** @description the pattern or utm_source text that matched */
                                matched_pattern: string | null;
                                /** @description exact_utm_source | fb_team | pattern (null: none) */
                                matched_rule: string | null;
                                /** @description E.164 */
                                phone: string | null;
                                pipeline_id: number | null;
                                pipeline_name: string | null;
                                /** @description lead (the lead's price) | product (the pipeline's product price) | none */
                                price_source: string;
                                /** @description the pipeline's product name */
                                product: string | null;
                                /** @description the time of the status change into 142 */
                                sold_at: string;
                                /** @description ad team; null when unattributed or ambiguous */
                                team: string | null;
                                utm_campaign: string | null;
                                utm_content: string | null;
                                utm_medium: string | null;
                                utm_source: string | null;
                                utm_term: string | null;
                            }[];
                            page: number;
                            page_size: number;
                            project_id: string;
                            /** @description sum of `amount` over every matching sale (all pages) */
                            revenue: number;
                            /** @description the zone local days are cut in */
                            time_zone: string;
                            /** @description sales matching the filters */
                            total: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the sales history as CSV
         * @description The rows of GET /api/sales for the same filters (all of them, newest first), as a streamed `text/csv` attachment: UTF-8 with BOM, header row, CRLF records, RFC 4180 quoting. Free-text cells that start with = + - @ get a leading ' (no formulas).
         */
        get: {
            parameters: {
                query: {
                    /** @description attribution confidence */
                    confidence?: "high" | "medium" | "low";
                    /** @description field separator: semicolon suits Excel with a comma decimal separator (ru/uk/kk locales) */
                    delimiter?: "comma" | "semicolon";
                    /** @description first local day (project's time zone), inclusive; without from/to: every day (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description responsible user (manager) id at the sale */
                    manager?: number;
                    /** @description amoCRM pipeline id the lead was won in */
                    pipeline?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description ad team name (as in the teams setting), or `none` for sales attributed to no team */
                    team?: string;
                    /** @description last local day (project's time zone), inclusive (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/csv; charset=utf-8 with BOM */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sales per ad team per day, week or month
         * @description Sales (rm.sales) counted in the bucket of the local day, week (from Monday) or month of sold_at, in the project's time zone, within local days [from, to]: count, revenue (sum of amount) and mean_check (revenue / count) per team (null: no team — unattributed or ambiguous), per bucket and over the range.
         */
        get: {
            parameters: {
                query: {
                    /** @description first local day, inclusive (project's time zone) (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    from: string;
                    granularity?: "day" | "week" | "month";
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    /** @description last local day, inclusive (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    to: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description every bucket of the range, empty ones included */
                            buckets: {
                                /** @description local start day of the bucket (YYYY-MM-DD) */
                                bucket: string;
                                /** @description teams with a sale in the bucket */
                                teams: {
                                    count: number;
                                    /** @description revenue / count; null without sales */
                                    mean_check: number | null;
                                    revenue: number;
                                    /** @description null: sales attributed to no team */
                                    team: string | null;
                                }[];
                                total: {
                                    count: number;
                                    /** @description revenue / count; null without sales */
                                    mean_check: number | null;
                                    revenue: number;
                                    /** @description null: sales attributed to no team */
                                    team: string | null;
                                };
                            }[];
                            from: string;
                            /** @enum {string} */
                            granularity: "day" | "week" | "month";
                            period: {
                                teams: {
                                    count: number;
                                    /** @description revenue / count; null without sales */
                                    mean_check: number | null;
                                    revenue: number;
                                    /** @description null: sales attributed to no team */
                                    team: string | null;
                                }[];
                                total: {
                                    count: number;
                                    /** @description revenue / count; null without sales */
                                    mean_check: number | null;
                                    revenue: number;
                                    /** @description null: sales attributed to no team */
                                    team: string | null;
                                };
                            };
                            project_id: string;
                            /** @description every team with a sale in the range, in order of revenue */
                            teams: (string | null)[];
                            time_zone: string;
                            to: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/ad-teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current ad teams
         * @description The project's ad teams as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current ad teams and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                teams: {
                                    colour: string;
                                    emoji: string;
                                    name: string;
                                    patterns: string[];
                                    utm_source: string;
                                }[];
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the ad teams
         * @description Validates the ad teams with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.ad_teams_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        teams: {
                            colour: string;
                            emoji: string;
                            name: string;
                            patterns: string[];
                            utm_source: string;
                        }[];
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/cycle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current cycle rules
         * @description The project's cycle rules as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current cycle rules and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                rules: {
                                    [key: string]: unknown;
                                }[];
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the cycle rules
         * @description Validates the cycle rules with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.cycle_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        rules: {
                            [key: string]: unknown;
                        }[];
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/pipeline-products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current pipeline products
         * @description The project's pipeline products as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current pipeline products and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                default_currency: string;
                                products: {
                                    currency: string;
                                    name: string;
                                    pipeline_id: number;
                                    price: number;
                                }[];
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the pipeline products
         * @description Validates the pipeline products with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.pipeline_products_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        default_currency: string;
                        products: {
                            currency: string;
                            name: string;
                            pipeline_id: number;
                            price: number;
                        }[];
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/qualified-stages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current qualified stages
         * @description The project's qualified stages as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current qualified stages and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                stages: {
                                    is_qualified: boolean;
                                    pipeline_id: number;
                                    status_id: number;
                                }[];
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the qualified stages
         * @description Validates the qualified stages with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.qualified_stages_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        stages: {
                            is_qualified: boolean;
                            pipeline_id: number;
                            status_id: number;
                        }[];
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/shifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current shift settings
         * @description The project's shift settings as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current shift settings and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                length_hours: number;
                                lookback_hours: number;
                                start_hour: number;
                                time_zone: string;
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the shift settings
         * @description Validates the shift settings with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.shifts_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        length_hours: number;
                        lookback_hours: number;
                        start_hour: number;
                        time_zone: string;
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/sla": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current SLA
         * @description The project's SLA as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current SLA and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                grids: {
                                    [key: string]: {
                                        [key: string]: string | null;
                                    };
                                };
                                /** @default 0.8 */
                                near_share: number;
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the SLA
         * @description Validates the SLA with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.sla_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        grids: {
                            [key: string]: {
                                [key: string]: string | null;
                            };
                        };
                        /** @default 0.8 */
                        near_share?: number;
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/urgent-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current urgent rules
         * @description The project's urgent rules as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current urgent rules and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                rules: {
                                    /** @enum {string} */
                                    match_type: "sku" | "offer_id" | "product_id";
                                    match_value: string;
                                }[];
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the urgent rules
         * @description Validates the urgent rules with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.urgent_rules_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        rules: {
                            /** @enum {string} */
                            match_type: "sku" | "offer_id" | "product_id";
                            match_value: string;
                        }[];
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/utm-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current UTM field ids
         * @description The project's UTM field ids as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current UTM field ids and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                fields: {
                                    fbclid: number[];
                                    utm_campaign: number[];
                                    utm_content: number[];
                                    utm_medium: number[];
                                    utm_referrer: number[];
                                    utm_source: number[];
                                    utm_term: number[];
                                };
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the UTM field ids
         * @description Validates the UTM field ids with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.utm_fields_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        fields: {
                            fbclid: number[];
                            utm_campaign: number[];
                            utm_content: number[];
                            utm_medium: number[];
                            utm_referrer: number[];
                            utm_source: number[];
                            utm_term: number[];
                        };
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/working-hours": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current working hours
         * @description The project's working hours as projected into rm.settings, with the version to base a change on; the defaults with version 0 while they were never changed. `recompute` says whether the read models follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient failure (with the error and the next attempt), `failed` when it cannot complete.
         */
        get: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the project's current working hours and their version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            changed_at: string | null;
                            /** @description subject of the admin who made the current version */
                            changed_by: string | null;
                            /** @description true when the settings were never changed and `settings` are the defaults */
                            is_default: boolean;
                            /** @enum {string} */
                            kind: "working_hours" | "sla" | "cycle" | "urgent_rules" | "shifts" | "qualified_stages" | "pipeline_products" | "utm_fields" | "ad_teams";
                            project_id: string;
                            /** @description whether the read models follow the current settings (see `status`) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            settings: {
                                default: {
                                    holidays?: string[];
                                    time_zone?: string;
                                    working_hours?: {
                                        fri: string[];
                                        mon: string[];
                                        sat: string[];
                                        sun: string[];
                                        thu: string[];
                                        tue: string[];
                                        wed: string[];
                                    };
                                };
                                groups: {
                                    [key: string]: {
                                        holidays?: string[];
                                        time_zone?: string;
                                        working_hours?: {
                                            fri: string[];
                                            mon: string[];
                                            sat: string[];
                                            sun: string[];
                                            thu: string[];
                                            tue: string[];
                                            wed: string[];
                                        };
                                    };
                                };
                            };
                            /** @description current version (as projected into rm.settings); 0 = never changed, defaults apply */
                            version: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the working hours
         * @description Validates the working hours with the domain rules (400 `invalid_settings` lists every issue with its JSON-pointer path), checks `version` against the current one (409 `version_conflict`), publishes `settings.working_hours_changed` with version + 1 and `changed_by` = the caller to the event log, and answers 202 once JetStream has stored it. The projector then recomputes the affected read models over all history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier recompute of the project waits for NATS or Postgres. Admins only.
         */
        put: {
            parameters: {
                query: {
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        default: {
                            holidays?: string[];
                            time_zone?: string;
                            working_hours?: {
                                fri: string[];
                                mon: string[];
                                sat: string[];
                                sun: string[];
                                thu: string[];
                                tue: string[];
                                wed: string[];
                            };
                        };
                        groups: {
                            [key: string]: {
                                holidays?: string[];
                                time_zone?: string;
                                working_hours?: {
                                    fri: string[];
                                    mon: string[];
                                    sat: string[];
                                    sun: string[];
                                    thu: string[];
                                    tue: string[];
                                    wed: string[];
                                };
                            };
                        };
                        /** @description the version this change is based on: `version` from GET (0 while the settings were never changed). Any other value is answered 409 version_conflict and nothing is published */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description the change is stored in the event log; read models follow asynchronously */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description id (ULID) of the published event */
                            event_id: string;
                            /** @description settings kind, or `order_overrides` */
                            kind: string;
                            project_id: string;
                            /** @description whether the project's read models follow its settings: `pending` after a settings change, `retrying` when an earlier recompute waits for NATS or Postgres (see RecomputeState) */
                            recompute: {
                                /** @description attempts started by that recompute so far */
                                attempts: number;
                                /** @description error of its last failed attempt, while retrying or failed */
                                last_error: string | null;
                                /** @description when it is retried (retrying only) */
                                next_attempt_at: string | null;
                                /** @description the newest unfinished (or, when none, the last) recompute of the project, if any */
                                replay_id: string | null;
                                /** @description where to follow it */
                                replay_url: string | null;
                                /** @enum {string} */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @description id of the recomputation the change triggers (= event_id) */
                            replay_id: string;
                            /** @description where to follow the recomputation: GET it until status is done */
                            replay_url: string;
                            /** @description events-stream sequence of the event: read models include the change once rm.checkpoints reaches it */
                            stream_seq: number;
                            /** @description the version the change created (null for order overrides, which are not versioned) */
                            version: number | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description the caller is not an admin (`admin_required`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `version_conflict`: the body's version is not the current one; nothing was published */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description `events_unavailable`: the event log did not store the change; retry later */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/shifts/{shiftId}/deals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The shift deal table of one shift
         * @description Deals updated or messaged in the shift window (and chat-only contacts) from rm.shift_deals: manager, pipeline/stage at the window's end with names, phones, the window's dialog text, incoming/outgoing counts and the dialog's analysis if any. Sorted by manager, then last message (newest first).
         */
        get: {
            parameters: {
                query: {
                    /** @description only deals of this responsible user */
                    manager?: number;
                    /** @description only dialogs with ≥ this many incoming messages */
                    minIncoming?: number;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: never;
                path: {
                    /** @description shift id: the shift's local start date (24 h shifts, e.g. 2026-10-21) or date and time (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    shiftId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the shift deal table of one shift */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description latest scored result, else latest failed; null if not analysed */
                                analysis: {
                                    error_code: string | null;
                                    funnel_stage: string | null;
                                    interest: ("hot" | "warm" | "cold") | null;
                                    /** @description llm | offline */
                                    mode: string;
                                    model: string | null;
                                    /** @description facts.niche */
                                    niche: string | null;
                                    prompt_version: string;
                                    qualification_complete: boolean | null;
                                    reasons: {
                                        points: number;
                                        rule: string;
                                    }[] | null;
                                    recorded_at: string;
                                    /** @description 0–100; null when failed */
                                    score: number | null;
                                    /** @enum {string} */
                                    status: "scored" | "failed";
                                    /** @description facts.summary: one or two sentences */
                                    summary: string | null;
                                } | null;
                                /** @description rm.deals_current.name */
                                deal_name: string | null;
                                /** @description `lead:{id}` or, for a chat-only contact, `phone:{E.164}` */
                                dialog_key: string;
                                /** @description the window's messages as text */
                                dialog_text: string;
                                first_message_at: string | null;
                                incoming: number;
                                last_message_at: string | null;
                                lead_id: number | null;
                                /** @description responsible user at the window's end */
                                manager_id: number | null;
                                /** @description the manager's name from the CRM users dictionary; null when unknown (show manager_id) */
                                manager_name: string | null;
                                messaged_in_window: boolean;
                                outgoing: number;
                                /** @description the contact phone of a chat-only row */
                                phone: string | null;
                                /** @description the deal's contact phones, E.164 */
                                phones: string[];
                                /** @description pipeline at the window's end */
                                pipeline_id: number | null;
                                pipeline_name: string | null;
                                price: number | null;
                                /** @description stage at the window's end */
                                status_id: number | null;
                                status_name: string | null;
                                updated_in_window: boolean;
                            }[];
                            project_id: string;
                            shift_end: string;
                            shift_id: string;
                            shift_settings: {
                                length_hours: number;
                                /** @description catch-up after a shift ends, hours */
                                lookback_hours: number;
                                /** @description local hour a shift starts at */
                                start_hour: number;
                                /** @description IANA zone or ±hh:mm */
                                time_zone: string;
                            };
                            shift_start: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stream/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live order_updated notices (Server-Sent Events)
         * @description text/event-stream. Each notice: `event: order_updated`, `id:` updates-stream sequence, `data:` the OrderUpdatedNotice JSON. `event: heartbeat` every SSE_HEARTBEAT_MS. Reconnect with Last-Event-ID (or lastEventId) to receive exactly the missed notices. `event: reset` means notices older than the stream's retention were asked for, `event: resync` that the client fell behind and notices up to its `id` were dropped: reload the order list.
         */
        get: {
            parameters: {
                query: {
                    /** @description resume after this updates-stream sequence (for clients that cannot send Last-Event-ID); the header wins */
                    lastEventId?: string;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: {
                    /** @description resume after this updates-stream sequence */
                    "last-event-id"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/event-stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stream/sales": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live sale_won notices (Server-Sent Events)
         * @description text/event-stream of the project's new sales (a lead entering 142; SPEC "amoCRM deals"). Each notice: `event: sale_won`, `id:` updates-stream sequence, `data:` the SaleNotice JSON (lead, sold_at, amount, currency, product, pipeline, manager, client name and phone, team, UTM source/campaign/content). Heartbeats, Last-Event-ID resumption, `reset` and `resync` as in GET /api/stream/orders (reload the sales list).
         */
        get: {
            parameters: {
                query: {
                    /** @description resume after this updates-stream sequence (for clients that cannot send Last-Event-ID); the header wins */
                    lastEventId?: string;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                };
                header?: {
                    /** @description resume after this updates-stream sequence */
                    "last-event-id"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/event-stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's API tokens */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created_at: string;
                            id: string;
                            last_used_at: string | null;
                            name: string;
                            /** @description project ids; `["*"]` = every project of the user */
                            projects: string[];
                            revoked_at: string | null;
                            /**
                             * @description `admin` reads and edits; `viewer` reads
                             * @enum {string}
                             */
                            role: "admin" | "viewer";
                        }[];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Make an API token
         * @description Answers the token's value once (`token`); use it as `Authorization: Bearer <token>`. `projects` are project ids the caller may see, or `["*"]` for every project of the user (at each use).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @description project ids the token may see, or `["*"]` for every project of the user */
                        projects: (string | "*")[];
                        /**
                         * @description `admin` reads and edits; `viewer` reads
                         * @enum {string}
                         */
                        role: "admin" | "viewer";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created_at: string;
                            id: string;
                            last_used_at: string | null;
                            name: string;
                            /** @description project ids; `["*"]` = every project of the user */
                            projects: string[];
                            revoked_at: string | null;
                            /**
                             * @description `admin` reads and edits; `viewer` reads
                             * @enum {string}
                             */
                            role: "admin" | "viewer";
                            /** @description the token value: shown once, store it now */
                            token: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every user (owner only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            active: boolean;
                            created_at: string;
                            display_name: string;
                            id: string;
                            is_owner: boolean;
                            login: string;
                            memberships: {
                                project_id: string;
                                /**
                                 * @description `admin` reads and edits; `viewer` reads
                                 * @enum {string}
                                 */
                                role: "admin" | "viewer";
                            }[];
                            updated_at: string;
                        }[];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a user (owner only)
         * @description 409 `login_taken` when the login exists (case-insensitively).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        display_name: string;
                        is_owner?: boolean;
                        /** @description login name (unique, case-insensitive) */
                        login: string;
                        /** @description at least 10 characters */
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            active: boolean;
                            created_at: string;
                            display_name: string;
                            id: string;
                            is_owner: boolean;
                            login: string;
                            memberships: {
                                project_id: string;
                                /**
                                 * @description `admin` reads and edits; `viewer` reads
                                 * @enum {string}
                                 */
                                role: "admin" | "viewer";
                            }[];
                            updated_at: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a user (owner only)
         * @description Deactivating a user or setting a password ends the user's sessions.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        active?: boolean;
                        display_name?: string;
                        /** @description at least 10 characters */
                        password?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            active: boolean;
                            created_at: string;
                            display_name: string;
                            id: string;
                            is_owner: boolean;
                            login: string;
                            memberships: {
                                project_id: string;
                                /**
                                 * @description `admin` reads and edits; `viewer` reads
                                 * @enum {string}
                                 */
                                role: "admin" | "viewer";
                            }[];
                            updated_at: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/webhooks/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook delivery statistics per day and source, with totals and data freshness */
        get: {
            parameters: {
                query: {
                    /** @description first UTC day, inclusive (YYYY-MM-DD) (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    from?: string;
                    /** @description project id the query is scoped to (required) */
                    project: string;
                    source?: "keycrm" | "amocrm" | "evolution";
                    /** @description last UTC day, inclusive (YYYY-MM-DD) (plausible range 2000-01-01 to 2099-12-31; outside it the answer is 400 validation_failed) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description webhook statistics rows (by day, then source), totals, and freshness per source */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            freshness: {
                                /** @description receive time of the latest request that stored a new event (ISO-8601 UTC) */
                                last_accepted_at: string | null;
                                /** @description receive time of the latest request (ISO-8601 UTC) */
                                last_received_at: string | null;
                                source: string;
                            }[];
                            project_id: string;
                            rows: {
                                /** @description requests that stored at least one new event */
                                accepted: number;
                                /** @description UTC day of the receive time, YYYY-MM-DD */
                                day: string;
                                /** @description requests whose events were all stored already (whenever first received) */
                                duplicate: number;
                                /** @description events stored again after the stream's duplicate window and already known */
                                events_redelivered: number;
                                /** @description new events stored by accepted requests */
                                events_stored: number;
                                /** @description requests that could not be persisted (503) */
                                failed: number;
                                /** @description valid requests with nothing to store */
                                ignored: number;
                                /** @description latest receive time of an accepted request that day (ISO-8601 UTC) */
                                last_accepted_at: string | null;
                                /** @description latest receive time of a request that day (ISO-8601 UTC) */
                                last_received_at: string | null;
                                /** @description HTTP requests to the project's webhook URL (wrong secret included) */
                                received: number;
                                /** @description malformed requests (4xx) */
                                rejected: number;
                                source: string;
                                /** @description requests with a wrong or missing secret (401) */
                                unauthorized: number;
                            }[];
                            totals: {
                                /** @description requests that stored at least one new event */
                                accepted: number;
                                /** @description requests whose events were all stored already (whenever first received) */
                                duplicate: number;
                                /** @description events stored again after the stream's duplicate window and already known */
                                events_redelivered: number;
                                /** @description new events stored by accepted requests */
                                events_stored: number;
                                /** @description requests that could not be persisted (503) */
                                failed: number;
                                /** @description valid requests with nothing to store */
                                ignored: number;
                                /** @description HTTP requests to the project's webhook URL (wrong secret included) */
                                received: number;
                                /** @description malformed requests (4xx) */
                                rejected: number;
                                /** @description requests with a wrong or missing secret (401) */
                                unauthorized: number;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: NATS and Postgres answer, projector lag known */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description ready to serve */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description last sequence of the events stream */
                            events_last_seq: number;
                            /** @description events_last_seq − projector_checkpoint: events not yet in the read models (negative: the checkpoint is ahead of the stream) */
                            lag: number;
                            /** @enum {string} */
                            nats: "ok";
                            /** @enum {string} */
                            postgres: "ok";
                            /** @description rm.checkpoints `events`: last events-stream sequence applied to the read models (0 if none yet) */
                            projector_checkpoint: number;
                            /** @description recomputes of the read models that have not completed */
                            recompute: {
                                /** @description failed recomputes not superseded by a later completed one: read models behind their settings */
                                failed: number;
                                /** @description last error of a retrying or failed recompute */
                                last_error: string | null;
                                /** @description recomputes requested or running */
                                pending: number;
                                /** @description one line for operators when not up_to_date, e.g. `1 recompute retrying: NatsUnavailableError: …` */
                                reason: string | null;
                                /** @description recomputes waiting to be retried after a transient failure */
                                retrying: number;
                                /**
                                 * @description the worst of the counts below: failed > retrying > pending > up_to_date
                                 * @enum {string}
                                 */
                                status: "up_to_date" | "pending" | "retrying" | "failed";
                            };
                            /** @enum {string} */
                            status: "ready";
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": {
                            code: string;
                            detail: string;
                            instance: string;
                            issues?: {
                                /** @description zod issue code, e.g. `too_big` */
                                code: string;
                                /** @description querystring | params | headers | body */
                                location: string;
                                message: string;
                                /** @description JSON pointer into that location, e.g. `/pageSize` */
                                path: string;
                            }[];
                            request_id: string;
                            status: number;
                            title: string;
                            type: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
