// Generated from GET /openapi.json by `npm run generate:client` (scripts/generate-client.ts). Do not edit.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is up */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Up */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Redis answers: ready for requests */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Redis is not reachable (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/live/{token}/socket": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The live view WebSocket
         * @description Upgrade to WebSocket: frames of the session's tab out, the user's input in (control links only). Opened by the viewer page.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The app's viewer check, when the deployment asks for one (LIVE_VIEW_VERIFIER_KEY) */
                    check?: string;
                };
                header?: never;
                path: {
                    /** @description The link's signed token: the capability to watch (or control) one session */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Switching protocols */
                101: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
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
    "/live/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The live view page (a session's liveViewUrl)
         * @description For the user's browser, not for API clients: no API key, the token is the capability. The page opens the viewer WebSocket below.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The app's viewer check, when the deployment asks for one (LIVE_VIEW_VERIFIER_KEY) */
                    check?: string;
                };
                header?: never;
                path: {
                    /** @description The link's signed token: the capability to watch (or control) one session */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The viewer page */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The page, saying the viewer check failed */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The page, saying the link is not valid (revoked, mistyped, or its session is over) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/oauth2/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the provider sends the browser back (no API key): a page that posts the result to the opener */
        get: {
            parameters: {
                query?: {
                    state?: string;
                    code?: string;
                    error?: string;
                    error_description?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Connected: the page posts `{ type: "oauth2_result", credentialId, providerId }` to the return origin */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description Unknown, expired or used state, or the provider refused: the page posts `{ type, error: { code, message } }` when the state was ours */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
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
    "/connect/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The connect page (HTML); an error page when the link is forged, expired, revoked or another browser's */
        get: {
            parameters: {
                query?: {
                    /** @description The app's connect check, needed to open the link the first time when CONNECT_VERIFIER_KEY is set */
                    check?: string;
                };
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The page */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link was opened in another browser, or it needs the app's check and has none that holds */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description Unknown or forged link */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link has expired, or the app revoked it */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
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
    "/connect/{token}/open": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The page's first call: binds the link to this browser (an HttpOnly cookie) if no browser has it yet, and answers what it offers
         * @description The first browser to call this gets the link: a cookie holding a random secret, whose SHA-256 the link keeps; every other endpoint of the link answers only to that cookie. A component link (minted with componentOrigin) answers the secret in the body instead, once, to a request from its origin; every later request sends it as X-Connect-Binding. With CONNECT_VERIFIER_KEY set, the first call needs `check` (the app's connect check from the page's `?check=`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description The page's ?check= */
                        check?: string;
                    };
                };
            };
            responses: {
                /** @description The link, opened in this browser */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectLinkOpened"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the link offers: its providers, return URL, message and expiry */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The link */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectLinkView"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The link subject's connections (credentials of the providers the link offers) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Connections, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connections: components["schemas"]["Connection"][];
                        };
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/connections/{credentialId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Disconnect: delete one of the link subject's credentials (an OAuth2 one revoked at its provider first, as DELETE /credentials/{id} does) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                    /** @description A credential id */
                    credentialId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An OAuth2 connection, deleted after asking its provider to revoke its tokens: whether that worked */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeletedOAuth2Credential"];
                    };
                };
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, or no such credential of the link's subject and providers */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/connect/{token}/browser-login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a browser login for the connect link's subject */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        providerId: string;
                        /** @description The person's TOTP secret, for providers with a one-time-code step: the worker types the codes, and the credential keeps it sealed (never returned) */
                        totpSecret?: string;
                        locale?: string;
                        timeZone?: string;
                    };
                };
            };
            responses: {
                /** @description Started; the login page is up once liveViewUrl is set */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectBrowserLogin"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, ...), or the TOTP secret does not read (`invalid_totp_secret`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, or a provider the link does not offer */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider declares no one-time-code step for a TOTP secret (`totp_not_declared`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description This user (or connect link) already holds as many unfinished login sessions as allowed (`too_many_sessions`): finish or cancel one, or retry after the seconds its Retry-After header gives */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/browser-login/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A connect-page login's status; with changedFrom, held up to 10 s until the status differs */
        get: {
            parameters: {
                query?: {
                    changedFrom?: "queued" | "starting" | "awaiting_login" | "authenticated" | "capturing" | "kept_alive" | "completed" | "failed" | "expired" | "cancelled";
                };
                header?: never;
                path: {
                    token: string;
                    /** @description A login session id */
                    sessionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectBrowserLogin"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, or no such session of the link's subject */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/browser-login/{sessionId}/done": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The person is done in the login page: capture now (providers with captureOn "complete") */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                    /** @description A login session id */
                    sessionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The session; the capture follows */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectBrowserLogin"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, or no such session of the link's subject */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not logged in yet, or the session has ended */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/browser-login/{sessionId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a connect-page login and close its browser */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                    /** @description A login session id */
                    sessionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The cancelled session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectBrowserLogin"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, or no such session of the link's subject */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session has already ended */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/oauth2": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start an OAuth2 connection for the connect link's subject: the authorization URL for the page's popup
         * @description The same flow as POST /oauth2/start, returning to the service's own origin (the connect page's): the callback page posts `oauth2_result` to it.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        providerId: string;
                    };
                };
            };
            responses: {
                /** @description Open authorizationUrl in a popup before expiresAt */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OAuth2Start"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, or a provider the link does not offer */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No OAuth client configured for the provider (`oauth2_client_not_configured`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The OAuth2 provider failed or refused (`oauth2_discovery_failed`, `refresh_refused`) */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/{token}/oauth2-clients/{providerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The link's organisation's OAuth client for a provider, without its secret (links minted with manageOrgClients)
         * @description 403 also when the link may not manage the organisation's OAuth clients (`org_clients_not_allowed`: minted without manageOrgClients)
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                    providerId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The organisation's client, without its secret */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            providerId: string;
                            clientId: string;
                            hasClientSecret: boolean;
                            updatedAt: string;
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, a provider the link does not offer or not OAuth2 (`provider_not_found`), or no client set (`oauth2_client_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Set the link's organisation's OAuth client for a provider: the secret is write-only (links minted with manageOrgClients)
         * @description clientSecret: a string sets it, null removes it (a public client), absent keeps the one set. 403 also when the link may not manage the organisation's OAuth clients (`org_clients_not_allowed`: minted without manageOrgClients)
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                    providerId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        clientId: string;
                        clientSecret?: string | null;
                    };
                };
            };
            responses: {
                /** @description The organisation's client, without its secret */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            providerId: string;
                            clientId: string;
                            hasClientSecret: boolean;
                            updatedAt: string;
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, a provider the link does not offer or not OAuth2 (`provider_not_found`), or no client set (`oauth2_client_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove the link's organisation's OAuth client for a provider (links minted with manageOrgClients)
         * @description 403 also when the link may not manage the organisation's OAuth clients (`org_clients_not_allowed`: minted without manageOrgClients)
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                    providerId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, a provider the link does not offer or not OAuth2 (`provider_not_found`), or no client set (`oauth2_client_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/connect/{token}/api-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Store an API key for the connect link's subject (as POST /credentials: validated first, replaced in place on re-entry) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        providerId: string;
                        fields: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Stored; `replaced` when it took the place of the subject's previous key */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectApiKey"];
                    };
                };
                /** @description A field is missing or unknown (`invalid_fields`, naming them) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown or forged link, or a provider the link does not offer */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The key was changed meanwhile (`credential_changed`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`) */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider refused the key (`api_key_rejected`, its answer summarised; never the key) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many attempts (`too_many_attempts`): wait the seconds its Retry-After header gives */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider's validation request got no answer (`api_key_validation_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The providers a user can connect */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Each provider's id (for POST /browser-login/start), name, kind, and what its kind offers */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            providers: components["schemas"]["Provider"][];
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A login session's events (SSE)
         * @description From the session's start (or after Last-Event-ID); each event's data is the session as `GET /browser-login/{id}` gave it then. Ends after the final status.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Resume after this event id (as Last-Event-ID) */
                    lastEventId?: string;
                };
                header?: {
                    /** @description Resume after this event id (EventSource sends it on reconnect) */
                    "last-event-id"?: string;
                };
                path: {
                    /** @description A login session id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /**
                 * @description The session's events
                 *
                 *     Event names: session.queued, session.starting, session.awaiting_login, session.authenticated, session.capturing, session.kept_alive, session.completed, session.failed, session.expired, session.cancelled, session.live_view_changed, session.login_rejected, credential.created, credential.verified, credential.expired, credential.renewed, credential.needs_reauth, credential.deleted.
                 */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description The session has ended and the client has its last event: stop reconnecting */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such session for this subject (`session_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Events after this Last-Event-ID are gone (`events_expired`): read the current state and reconnect without it */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every event of the subject (SSE)
         * @description Session and credential events of the caller's subject, from now (or after Last-Event-ID). Data: `{ id, type, timestamp, data }`, the webhook payload.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Resume after this event id (as Last-Event-ID) */
                    lastEventId?: string;
                };
                header?: {
                    /** @description Resume after this event id (EventSource sends it on reconnect) */
                    "last-event-id"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /**
                 * @description The subject's events
                 *
                 *     Event names: session.queued, session.starting, session.awaiting_login, session.authenticated, session.capturing, session.kept_alive, session.completed, session.failed, session.expired, session.cancelled, session.live_view_changed, session.login_rejected, credential.created, credential.verified, credential.expired, credential.renewed, credential.needs_reauth, credential.deleted.
                 */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Events after this Last-Event-ID are gone (`events_expired`): read the current state and reconnect without it */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a browser login
         * @description Queues a login session: a worker opens the provider's login page in a browser the user reaches through `liveViewUrl`.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Milliseconds to wait for the outcome before answering (default 0) */
                    wait?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["StartLogin"];
                };
            };
            responses: {
                /** @description The session, queued (or further along when `wait` was given) */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginSession"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, ...), or a `totpSecret` that is neither base32 nor an otpauth:// TOTP URI (`invalid_totp_secret`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such provider (`provider_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider is not a browser login (`wrong_provider_kind`), or declares no one-time-code step for a `totpSecret` (`totp_not_declared`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is larger than the limit (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description This loginUrl is not allowed (`login_url_not_allowed`) or already matches the success condition (`login_url_matches_success`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description This user (or connect link) already holds as many unfinished login sessions as allowed (`too_many_sessions`): finish or cancel one, or retry after the seconds its Retry-After header gives */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A login session's status */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A login session id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginSession"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such session for this subject (`session_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Capture the login now (or end a kept-alive browser)
         * @description For providers that capture on complete (or to hurry one that waits to settle): capture once the user is authenticated. On a `kept_alive` session: close the kept-alive browser (what the site changed in it is stored in place) and complete the session.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Milliseconds to wait for the outcome before answering (default 10000) */
                    wait?: number;
                };
                header?: never;
                path: {
                    /** @description A login session id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Captured: the session is completed (or kept_alive) and names its credentialId */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginSession"];
                    };
                };
                /** @description Requested, still capturing when the wait ran out: poll the status */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginSession"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such session for this subject (`session_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The user has not logged in yet (`login_not_finished`), or the session ended otherwise (`session_ended`, its state in `details`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a login session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A login session id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The session, cancelled (cancelling twice answers the same) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginSession"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such session for this subject (`session_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session already ended (`session_ended`, its state in `details`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/{id}/live-view/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a session's live view links
         * @description Links handed out so far stop working and their viewers are cut off; the session answers with new links.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A login session id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The session with its new live view links */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginSession"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such session for this subject (`session_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No self-hosted live view (`no_live_view`), or the session ended (`session_ended`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/{id}/devtools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A DevTools link to a kept-alive browser
         * @description For sessions of a provider with `keepAlive`, once `kept_alive`: a WebSocket link through the API that `connectOverCDP` accepts, to the session's own browser process (no other session's context is in it). Commands that reach the worker's machine (downloads, file uploads from paths, `file:` pages, extensions, closing the browser) are refused. Each link handed out is written to the credential's audit trail (`live_devtools`). End the browser with `POST /browser-login/:id/complete`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A login session id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The link */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DevToolsLink"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such session for this subject (`session_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The browser is not kept alive (`not_kept_alive`, the session in `details`), or cannot be driven from here (`devtools_unavailable`: a remote browser, or no live-view port on the worker) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/browser-login/{id}/devtools/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a kept-alive browser's DevTools links
         * @description Links handed out so far stop working and their connections are cut; a new one can be asked for.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A login session id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginSession"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such session for this subject (`session_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session ended (`session_ended`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check that a stored browser login still works
         * @description Opens the provider's verify URL (or, for a provider without `verify`, its login URL judged by its success condition) in a fresh isolated browser context holding the credential, in a worker, and records `status` (active | expired | needs_reauth | inconclusive), `lastVerifiedAt` and `lastCheck`. A one-time-code step on the way is filled from the credential's TOTP secret (`PUT /credentials/{id}/totp`). Whatever the site changed during the visit (a rotated session cookie) is stored in place: same id, version + 1, `credential.renewed`; a logged-out browser's state (or one stopped at the code step) is not stored. `refresh=true` is accepted for compatibility: every check does this now.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Milliseconds to wait for the outcome before answering (default 30000) */
                    wait?: number;
                    refresh?: "true" | "false";
                };
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The check finished */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialCheck"];
                    };
                };
                /** @description Still running after `wait`: ask `checkUrl` */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialCheck"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not this subject's */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not a browser login (`wrong_credential_kind`), or its provider is not configured as one (`provider_not_found`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/checks/{checkId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The outcome of a credential check */
        get: {
            parameters: {
                query?: {
                    /** @description Milliseconds to wait for the outcome before answering (default 0) */
                    wait?: number;
                };
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                    /** @description A check id */
                    checkId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The check finished */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialCheck"];
                    };
                };
                /** @description Still queued or running */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialCheck"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such check of this credential (results are kept an hour) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/relogin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in again, replacing the credential in place
         * @description Starts a login session for the credential's provider and subject whose browser starts with the stored state (sites that remember the device ask less). On success the credential is replaced in place (same id, version + 1) and `credential.renewed` fires; until then the previous version stays readable. Follow the session like any other (`GET /browser-login/:id`, its events); its `credentialId` is this credential.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Milliseconds to wait for the outcome before answering (default 0) */
                    wait?: number;
                };
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The login session, as `POST /browser-login/start` answers it */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReloginSession"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not this subject's */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not a browser login, or its provider is not configured as one (`wrong_credential_kind`, `provider_not_found`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description This user (or connect link) already holds as many unfinished login sessions as allowed (`too_many_sessions`): finish or cancel one, or retry after the seconds its Retry-After header gives */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Store the person's TOTP secret with a browser login
         * @description For providers that declare a one-time-code step (`acceptsTotpSecret`): the worker types the current code when the site asks for one, at re-login and in checks. The secret is sealed with the credential and never returned; the credential's `secondFactor` says one is stored. Writing a new one replaces it (and lifts a rejection of the old one); the credential's version does not change.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TotpSecretInput"];
                };
            };
            responses: {
                /** @description The credential's metadata (never the secret) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Credential"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, ...), or the secret is neither base32 nor an otpauth:// TOTP URI (`invalid_totp_secret`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not a browser login (`wrong_credential_kind`), its provider is not configured (`provider_not_found`) or declares no one-time-code step (`totp_not_declared`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is larger than the limit (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The credential could not be decrypted (`credential_unreadable`), or another failure on our side */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Forget the TOTP secret stored with a browser login
         * @description The site's code step is then the person's again. Idempotent.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No TOTP secret is stored with the credential now */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not a browser login (`wrong_credential_kind`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The credential could not be decrypted (`credential_unreadable`), or another failure on our side */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth2/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start an OAuth2 connection: the authorization URL to open in a popup */
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
                        /** @example github */
                        providerId: string;
                        /**
                         * @description The app page's origin: the callback page posts its result there (must be in OAUTH2_RETURN_ORIGINS, or be the service's own origin)
                         * @example https://app.example.com
                         */
                        returnOrigin?: string;
                        /** @description Kept on the credential as clientMetadata */
                        metadata?: {
                            [key: string]: string | number | boolean | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Open authorizationUrl in a popup before expiresAt */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OAuth2Start"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such provider (`provider_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not an oauth2 provider (`wrong_provider_kind`), or no client configured (`oauth2_client_not_configured`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description returnOrigin is not allowed (`return_origin_not_allowed`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The OAuth2 provider failed or refused (`oauth2_discovery_failed`, `refresh_refused`) */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/oauth2/clients/{providerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organisation's OAuth client for a provider (no secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    providerId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The client, without its secret */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OAuth2Client"];
                    };
                };
                /** @description No x-subject-org-id (`org_required`), or the request did not validate */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such provider, or no client set */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not an oauth2 provider */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Set the organisation's OAuth client for a provider (the secret is write-only, stored encrypted)
         * @description Organisation admins only: the app says the user is one with x-subject-org-role: admin.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    providerId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        clientId: string;
                        clientSecret?: string;
                    };
                };
            };
            responses: {
                /** @description The client, without its secret */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OAuth2Client"];
                    };
                };
                /** @description No x-subject-org-id (`org_required`), or the request did not validate */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The user is not an admin of the organisation (`org_admin_required`): send x-subject-org-role: admin */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such provider, or no client set */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not an oauth2 provider */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove the organisation's OAuth client (its connections then need the provider's client, or fail to refresh)
         * @description Organisation admins only: the app says the user is one with x-subject-org-role: admin.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    providerId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description No x-subject-org-id (`org_required`), or the request did not validate */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The user is not an admin of the organisation (`org_admin_required`): send x-subject-org-role: admin */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such provider, or no client set */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not an oauth2 provider */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/credentials/{id}/access-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A valid access token of an OAuth2 credential, refreshed first when it expires within OAUTH2_REFRESH_SKEW_SECONDS */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A usable access token (sent with Cache-Control: no-store) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OAuth2AccessToken"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential of this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The user must connect again (`needs_reauth`), or not an OAuth2 credential (`wrong_credential_kind`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The OAuth2 provider failed or refused (`oauth2_discovery_failed`, `refresh_refused`) */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider did not answer the refresh; the stored tokens are kept (`provider_unavailable`), or another refresh outlasted the wait (`refresh_in_progress`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Refresh an OAuth2 credential now (concurrent calls share one refresh) and return the new access token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A usable access token (sent with Cache-Control: no-store) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OAuth2AccessToken"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential of this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The user must connect again (`needs_reauth`), or not an OAuth2 credential (`wrong_credential_kind`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The OAuth2 provider failed or refused (`oauth2_discovery_failed`, `refresh_refused`) */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider did not answer the refresh; the stored tokens are kept (`provider_unavailable`), or another refresh outlasted the wait (`refresh_in_progress`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The subject's credentials */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Their metadata (never a value) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            credentials: components["schemas"]["Credential"][];
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Store an API key (and its other fields)
         * @description Checks the fields against the provider's declaration, runs its validation request when it has one (a wrong key is refused with `422 api_key_rejected` and the provider's answer summarised), encrypts and stores them. A subject holds one API-key credential per provider: entering a key again replaces the stored one in place (same id, `version` + 1, `200`); the first one answers `201`.
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
                        /** @example acme-api */
                        providerId: string;
                        /**
                         * @example {
                         *       "apiKey": "sk_live_…"
                         *     }
                         */
                        fields: {
                            [key: string]: string;
                        };
                        metadata?: {
                            [key: string]: string | number | boolean | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Stored in place of the subject's previous key for this provider (version + 1) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Credential"];
                    };
                };
                /** @description Stored: a new credential */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Credential"];
                    };
                };
                /** @description The body did not validate, or a field is missing or unknown (`invalid_fields`, naming them) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such provider (`provider_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider does not take API keys (`wrong_provider_kind`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is larger than the limit (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider refused the key (`api_key_rejected`, with its status and a short excerpt of its answer; never the key) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many attempts (`too_many_attempts`): wait the seconds its Retry-After header gives */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider's validation request got no answer (`api_key_validation_unavailable`), or storage is unreachable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Decrypt an API-key credential: its fields
         * @description Sent with `Cache-Control: no-store`; each call is written to the credential's audit trail (purpose `secret`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The fields, by name */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiKeySecret"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not an API-key credential (`wrong_credential_kind`): use storage-state or access-token */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The credential could not be decrypted (`credential_unreadable`), or another failure on our side */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One credential's metadata */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The credential's metadata */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Credential"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a credential */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An OAuth2 credential, deleted after asking its provider to revoke its tokens (RFC 7009): whether that worked */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeletedOAuth2Credential"];
                    };
                };
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/credentials/{id}/storage-state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Decrypt a credential: its storage state
         * @description Cookies and storage in Playwright's `storageState` shape (plus sessionStorage: restore with `restoreSession` from @browser-login-capture/client/playwright). Each call is written to the credential's audit trail.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The decrypted state (sent with Cache-Control: no-store) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialStorageState"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not a browser login credential (`wrong_credential_kind`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The credential could not be decrypted (`credential_unreadable`), or another failure on our side */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who decrypted a credential
         * @description Newest first; kept a while after the credential is deleted.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The audit trail */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialAudit"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/credentials/{id}/check-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give back a browser login's state after using it
         * @description Sites rotate sessions on use: the state an app restored (`GET /credentials/:id/storage-state`, or `restoreSession` from @browser-login-capture/client/playwright) may be spent once the app's browser has used it. Check in what the browser holds now, with the version it was restored from: it is merged into that version (origins the state does not hold keep their storage; cookies the site changed or removed apply) and stored in place, same id, version + 1. Compare-and-swap: if a newer version was stored meanwhile (a re-login, a check, another app's check-in), nothing is written and the answer is `409 stale_version` with `details.currentVersion`. Audited like a decrypt (`check_in`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A credential id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CheckIn"];
                };
            };
            responses: {
                /** @description Checked in */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CheckedIn"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such credential for this subject (`credential_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not a browser login (`wrong_credential_kind`), or a newer version is stored (`stale_version`, `details.currentVersion`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The state is larger than CHECK_IN_BODY_LIMIT_BYTES (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/webhooks/endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The webhook endpoints */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every endpoint (without secrets) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            endpoints: {
                                id: string;
                                url: string;
                                events?: ("session.queued" | "session.starting" | "session.awaiting_login" | "session.authenticated" | "session.capturing" | "session.kept_alive" | "session.completed" | "session.failed" | "session.expired" | "session.cancelled" | "session.live_view_changed" | "session.login_rejected" | "credential.created" | "credential.verified" | "credential.expired" | "credential.renewed" | "credential.needs_reauth" | "credential.deleted")[];
                                description?: string;
                                createdAt: string;
                                /** @enum {string} */
                                source: "api" | "file";
                            }[];
                        };
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a webhook endpoint
         * @description The endpoint receives every subject's events (Standard Webhooks). Its secret is shown in this answer only.
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
                    "application/json": components["schemas"]["WebhookEndpointInput"];
                };
            };
            responses: {
                /** @description The endpoint and its signing secret (sent with Cache-Control: no-store) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedWebhookEndpoint"];
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is larger than the limit (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description This URL cannot be used (`webhook_url_not_allowed`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/webhooks/endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A webhook endpoint id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The endpoint (without its secret) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            events?: ("session.queued" | "session.starting" | "session.awaiting_login" | "session.authenticated" | "session.capturing" | "session.kept_alive" | "session.completed" | "session.failed" | "session.expired" | "session.cancelled" | "session.live_view_changed" | "session.login_rejected" | "credential.created" | "credential.verified" | "credential.expired" | "credential.renewed" | "credential.needs_reauth" | "credential.deleted")[];
                            description?: string;
                            createdAt: string;
                            /** @enum {string} */
                            source: "api" | "file";
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such webhook endpoint (`endpoint_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a webhook endpoint and its delivery log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A webhook endpoint id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such webhook endpoint (`endpoint_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An endpoint's recent deliveries */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A webhook endpoint id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deliveries: components["schemas"]["WebhookDelivery"][];
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such webhook endpoint (`endpoint_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/webhooks/endpoints/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver a logged event to an endpoint again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A webhook endpoint id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        eventId: string;
                    };
                };
            };
            responses: {
                /** @description Queued */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            endpointId: string;
                            eventId: string;
                            /** @enum {string} */
                            status: "queued";
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such endpoint (`endpoint_not_found`), or the event is not in the log (`event_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is larger than the limit (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Storage is not reachable right now; retry shortly (`storage_unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's subject's connect links that still work (not expired, not revoked) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description At most 1000, soonest to stop working first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            links: components["schemas"]["ConnectLinkSummary"][];
                        };
                    };
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Mint a short-lived connect page link for the caller's subject */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Provider ids to offer (default: all) */
                        providers?: string[];
                        /** @description Where the page's Back link leads: a URL of a scheme CONNECT_RETURN_SCHEMES allows (http(s) by default), without credentials */
                        returnUrl?: string;
                        /** @description Where the page sends the person once a connection is made, with ?status=connected&providerId=…: a URL of a scheme CONNECT_RETURN_SCHEMES allows (http(s) by default), without credentials */
                        successUrl?: string;
                        /** @description Where the page sends the person when connecting did not work out (?status=cancelled|failed|link_expired|link_revoked|link_refused, and providerId): a URL of a scheme CONNECT_RETURN_SCHEMES allows (http(s) by default), without credentials */
                        errorUrl?: string;
                        /** @description A line the page shows above the providers */
                        message?: string;
                        /** @description Makes a component link, for the connect components on the app page of this origin (one of CONNECT_COMPONENT_ORIGINS): it opens no page, answers only requests from that origin, and is bound by a header (X-Connect-Binding) instead of a cookie */
                        componentOrigin?: string;
                        /** @description The link may set and remove the organisation's OAuth clients for the OAuth2 providers it offers (mint it only for an organisation admin; needs x-subject-org-id) */
                        manageOrgClients?: boolean;
                        /** @description Time to open it (default and most: CONNECT_LINK_TTL_SECONDS) */
                        ttlSeconds?: number;
                    };
                };
            };
            responses: {
                /** @description The link: send the user there at once. Until a browser opens it, it is a bearer link; the first browser to open it keeps it */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectLinkMinted"];
                    };
                };
                /** @description The request did not validate (`invalid_request`: a return URL, ttlSeconds or componentOrigin not allowed), or manageOrgClients without x-subject-org-id (`org_required`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description manageOrgClients for a user who is not an admin of the organisation (`org_admin_required`): send x-subject-org-role: admin */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A provider that is not configured (`provider_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not application/json (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
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
    "/connect/links/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a connect link: its page and endpoints answer 410, and what it started ends
         * @description Login sessions started through the link are cancelled (their live views close), OAuth2 authorizations it started are forgotten (their callback answers that the sign-in link is unknown). Connections already made stay. Repeating it is harmless.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A connect link id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No API key, or not a valid one (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such link of the caller's subject (`connect_link_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Failed on the server side (`internal_error`, `stored_record_invalid`) */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                /**
                 * @description Stable, machine-readable: branch on this
                 * @example session_not_found
                 */
                code: string;
                /** @description For people: says what is wrong and what to do */
                message: string;
                /** @description Where the request failed validation, or the session's state when it ended */
                details?: unknown;
            };
        };
        ConnectLinkOpened: components["schemas"]["ConnectLinkView"] & {
            /** @description Component links, on the first open only: the secret to send as X-Connect-Binding with every later request (keep it in memory) */
            binding?: string;
        };
        ConnectProvider: {
            id: string;
            name: string;
            kind: string;
            /** @description API-key providers: the form's fields */
            fields?: {
                name: string;
                label: string;
                helpText?: string;
                /** Format: uri */
                helpUrl?: string;
                secret: boolean;
            }[];
        };
        ConnectLinkView: {
            /** @description When the page stops working (once opened: the end of its use in this browser) */
            expiresAt: string;
            returnUrl?: string;
            /** @description Where the page sends the person once connected */
            successUrl?: string;
            /** @description Where the page sends the person when connecting did not work out */
            errorUrl?: string;
            message?: string;
            /** @description The link may set and remove the organisation's OAuth clients of the OAuth2 providers it offers */
            manageOrgClients?: boolean;
            providers: components["schemas"]["ConnectProvider"][];
        };
        Connection: {
            id: string;
            providerId: string;
            providerName: string;
            /** @enum {string} */
            kind: "browser_login" | "oauth2" | "api_key";
            /** @enum {string} */
            status: "active" | "expired" | "needs_reauth" | "inconclusive";
            createdAt: string;
            lastVerifiedAt: string | null;
            expiresAt: string | null;
            suspect?: boolean;
        };
        DeletedOAuth2Credential: {
            credentialId: string;
            /** @enum {boolean} */
            deleted: true;
            revocation: {
                /** @enum {string} */
                status: "revoked" | "not_supported";
            } | {
                /** @enum {string} */
                status: "failed";
                error: {
                    code: string;
                    message: string;
                };
            };
        };
        ConnectBrowserLogin: {
            sessionId: string;
            providerId: string;
            /** @enum {string} */
            status: "queued" | "starting" | "awaiting_login" | "authenticated" | "capturing" | "kept_alive" | "completed" | "failed" | "expired" | "cancelled";
            liveViewUrl: string | null;
            expiresAt: string;
            credentialId?: string;
            awaitsDone: boolean;
            lastLoginRejection?: {
                at: string;
                count: number;
            };
            error?: {
                code: string;
                message: string;
            };
        };
        OAuth2Start: {
            authorizationUrl: string;
            expiresAt: string;
        };
        ConnectApiKey: {
            credentialId: string;
            replaced: boolean;
        };
        Provider: components["schemas"]["BrowserLoginProvider"] | components["schemas"]["OAuth2Provider"] | components["schemas"]["ApiKeyProvider"];
        BrowserLoginProvider: {
            id: string;
            name: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "browser_login";
            /** @enum {string} */
            captureOn: "authenticated" | "complete";
            /** @description The provider declares a one-time-code step: a TOTP secret stored with the credential (PUT /credentials/{id}/totp, or totpSecret at start) lets the worker fill it */
            acceptsTotpSecret: boolean;
            /**
             * @description `restore`: restore the captured state in your browser (check it in when done); `live`: the site needs a live page, so the worker keeps the logged-in browser open (`keepAlive`) and you drive it over DevTools
             * @enum {string}
             */
            usage: "restore" | "live";
            /** @description live: how long the worker keeps the browser open at most */
            keepAliveMs?: number;
        };
        OAuth2Provider: {
            id: string;
            name: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "oauth2";
            scopes: string[];
        };
        ApiKeyProvider: {
            id: string;
            name: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "api_key";
            fields: {
                name: string;
                label: string;
                helpText?: string;
                /** Format: uri */
                helpUrl?: string;
                secret: boolean;
            }[];
            /** @description A wrong key is refused when submitted (the provider's validation request runs first) */
            validated: boolean;
        };
        LoginSession: {
            /** @example ls_0123456789abcdef0123456789abcdef */
            sessionId: string;
            providerId: string;
            /** @enum {string} */
            status: "queued" | "starting" | "awaiting_login" | "authenticated" | "capturing" | "kept_alive" | "completed" | "failed" | "expired" | "cancelled";
            /** @description Where the user logs in: the live view to show them (null until the browser is ready) */
            liveViewUrl: string | null;
            /** @description The self-hosted live view, watch only (no input) */
            liveViewViewOnlyUrl?: string;
            createdAt: string;
            updatedAt: string;
            /** @description When the session times out if the user has not logged in */
            expiresAt: string;
            statusUrl: string;
            /** @description The metadata given at start, as given */
            metadata: {
                [key: string]: string | number | boolean | null;
            };
            /** @description When each status was entered (ISO time) */
            timeline: {
                [key: string]: string;
            };
            /** @description The stored credential, once captured */
            credentialId?: string;
            /** @description The last login attempt the site turned down: the session keeps waiting */
            lastLoginRejection?: {
                at: string;
                count: number;
            };
            /**
             * @description The capture gained nothing since the login page loaded: it may not hold a login
             * @enum {boolean}
             */
            suspect?: true;
            suspectReason?: string;
            /** @description The last request the session's browser was refused (egress policy) */
            lastBlockedRequest?: {
                at: string;
                host: string;
                reason: string;
                count: number;
            };
            /** @description Why the session ended, when it did not complete */
            error?: {
                code: string;
                message: string;
            };
            /** @description A kept-alive browser (provider `keepAlive`, status `kept_alive`): open until `until` at most; `devTools`: drive it through `POST /browser-login/:id/devtools`; once ended, when and why */
            keepAlive?: {
                until: string;
                devTools: boolean;
                endedAt?: string;
                /** @enum {string} */
                endReason?: "ended_by_app" | "max_time" | "logged_out";
            };
        };
        StartLogin: {
            /**
             * @description A provider from GET /providers
             * @example demo
             */
            providerId: string;
            /** @description Your own values, returned on the session, its events and its credential */
            metadata?: {
                [key: string]: string | number | boolean | null;
            };
            /** @description Where the browser starts instead of the provider's login URL (when the deployment allows it) */
            loginUrl?: string;
            /** @description The person's TOTP secret (base32, or the otpauth:// URI of the QR code), for providers that declare a one-time-code step (`acceptsTotpSecret`): the worker types the code when the site asks, and the credential keeps the secret, sealed, for re-login and checks. Never returned */
            totpSecret?: string;
            /**
             * @description The person's language (BCP 47, e.g. their browser's navigator.language): the site sees it in navigator.language(s), Intl and Accept-Language. Default: the provider's, else the deployment's
             * @example fr-FR
             */
            locale?: string;
            /**
             * @description The person's time zone (IANA, e.g. their browser's Intl.DateTimeFormat().resolvedOptions().timeZone): the site sees it in Date and Intl. Default: the provider's, else the deployment's
             * @example Europe/Paris
             */
            timeZone?: string;
        };
        DevToolsLink: {
            sessionId: string;
            credentialId: string;
            /** @description Give it to Playwright's `chromium.connectOverCDP(endpointUrl)`: the kept-alive browser, with the logged-in page in `browser.contexts()[0]`. A capability: anyone holding it drives that browser until it is revoked or the browser closes */
            endpointUrl: string;
            /** @description The browser closes at this time at most */
            until: string;
        };
        CredentialCheck: {
            checkId: string;
            credentialId: string;
            /**
             * @description `pending`: still queued or running; ask `checkUrl` again
             * @enum {string}
             */
            state: "completed" | "failed" | "pending";
            checkUrl: string;
            /**
             * @description What the check found (completed checks): `inconclusive` when it could not tell (`reason` says why); that never marks the credential expired. `needs_reauth` when the site's one-time-code step stopped it (`reason` starts `totp_rejected` or `totp_required`)
             * @enum {string}
             */
            status?: "active" | "expired" | "needs_reauth" | "inconclusive";
            /** @enum {string} */
            method?: "browser" | "http" | "predicted_expiry";
            reason?: string;
            lastVerifiedAt?: string;
            version?: number;
            /** @description What the site changed during the check (sites rotate sessions on use) was stored in place: version + 1, `credential.renewed` */
            refreshed?: boolean;
            ms?: number;
        };
        ReloginSession: {
            sessionId: string;
            status: string;
            credentialId?: string;
        } & {
            [key: string]: unknown;
        };
        Credential: components["schemas"]["BrowserLoginCredential"] | components["schemas"]["OAuth2Credential"] | components["schemas"]["ApiKeyCredential"];
        BrowserLoginCredential: {
            id: string;
            providerId: string;
            /** @enum {string} */
            status: "active" | "expired" | "needs_reauth" | "inconclusive";
            version: number;
            createdAt: string;
            updatedAt: string;
            lastVerifiedAt: string | null;
            /** @description When it is expected to stop working */
            expiresAt: string | null;
            /** @description What the client sent beside it (POST /credentials), stored as sent */
            metadata?: {
                [key: string]: string | number | boolean | null;
            };
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "browser_login";
            sessionId?: string;
            origins: string[];
            cookieCount: number;
            earliestExpiry: string | null;
            suspect?: boolean;
            suspectReason?: string;
            /** @description A TOTP secret is stored with it (never returned): when it was written, last used by the worker, and turned down by the site (no code is typed from it again until a new secret is written) */
            secondFactor?: {
                /** @enum {string} */
                kind: "totp";
                setAt: string;
                lastUsedAt?: string;
                rejectedAt?: string;
            };
            /**
             * @description `restore`: load the state into your browser (and check it in when done); `live`: the provider needs a live page, drive the kept-alive browser
             * @enum {string}
             */
            usage: "restore" | "live";
            /** @description When the site last showed it logged in (capture, or a check) */
            lastAcceptedAt: string | null;
            lastCheck?: components["schemas"]["CredentialLastCheck"];
            /** @description The last time a newer state was stored in place (version + 1), and by what */
            lastRenewal?: {
                at: string;
                /** @enum {string} */
                by: "relogin" | "check" | "check_in" | "relogin_seed" | "keep_alive";
            };
            /** @description The device the site saw at login (user agent, locale, time zone, sizes) */
            device?: {
                /** @description navigator.userAgent and the User-Agent header */
                userAgent: string;
                /** @description navigator.platform */
                platform: string;
                /** @description navigator.language, Intl's locale and Accept-Language (BCP 47) */
                locale: string;
                /** @description Intl's time zone (IANA) */
                timeZone: string;
                /** @description The page's size in CSS pixels (innerWidth, innerHeight) */
                viewport: {
                    width: number;
                    height: number;
                };
                /** @description screen.width, screen.height */
                screen: {
                    width: number;
                    height: number;
                };
                devicePixelRatio: number;
                /** @description WebGL vendor and renderer strings chosen by the operator or provider (absent: the browser's own) */
                webgl?: {
                    vendor: string;
                    renderer: string;
                };
            };
        };
        /** @description The last health check: what it found and why, whether it touched the site, whether it stored a newer state */
        CredentialLastCheck: {
            at: string;
            /** @enum {string} */
            status: "active" | "expired" | "needs_reauth" | "inconclusive";
            /** @enum {string} */
            method: "browser" | "http" | "predicted_expiry";
            reason: string;
            touched: boolean;
            renewed: boolean;
        };
        OAuth2Credential: {
            id: string;
            providerId: string;
            /** @enum {string} */
            status: "active" | "expired" | "needs_reauth" | "inconclusive";
            version: number;
            createdAt: string;
            updatedAt: string;
            lastVerifiedAt: string | null;
            /** @description When it is expected to stop working */
            expiresAt: string | null;
            /** @description What the client sent beside it (POST /credentials), stored as sent */
            metadata?: {
                [key: string]: string | number | boolean | null;
            };
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "oauth2";
            scopes: string[];
        };
        ApiKeyCredential: {
            id: string;
            providerId: string;
            /** @enum {string} */
            status: "active" | "expired" | "needs_reauth" | "inconclusive";
            version: number;
            createdAt: string;
            updatedAt: string;
            lastVerifiedAt: string | null;
            /** @description When it is expected to stop working */
            expiresAt: string | null;
            /** @description What the client sent beside it (POST /credentials), stored as sent */
            metadata?: {
                [key: string]: string | number | boolean | null;
            };
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "api_key";
            fieldNames: string[];
        };
        TotpSecretInput: {
            /**
             * @description Base32 (as authenticator apps show it), or the otpauth://totp/… URI of the QR code
             * @example JBSWY3DPEHPK3PXP
             */
            secret: string;
        };
        OAuth2Client: {
            providerId: string;
            clientId: string;
            hasClientSecret: boolean;
            updatedAt: string;
        };
        OAuth2AccessToken: {
            credentialId: string;
            accessToken: string;
            /** @example Bearer */
            tokenType: string;
            /** @description When the access token expires (null: the provider did not say) */
            expiresAt: string | null;
            scopes: string[];
        };
        ApiKeySecret: {
            credentialId: string;
            providerId: string;
            version: number;
            fields: {
                [key: string]: string;
            };
        };
        CredentialStorageState: {
            credentialId: string;
            providerId: string;
            /** @description The version decrypted: check the browser's state back in with it (POST /credentials/:id/check-in) */
            version: number;
            storageState: components["schemas"]["StorageState"];
            /** @description The device the site saw at login: give it to your browser (restoreSession does) so that the site sees the same device. Absent for credentials captured before it was recorded */
            device?: {
                /** @description navigator.userAgent and the User-Agent header */
                userAgent: string;
                /** @description navigator.platform */
                platform: string;
                /** @description navigator.language, Intl's locale and Accept-Language (BCP 47) */
                locale: string;
                /** @description Intl's time zone (IANA) */
                timeZone: string;
                /** @description The page's size in CSS pixels (innerWidth, innerHeight) */
                viewport: {
                    width: number;
                    height: number;
                };
                /** @description screen.width, screen.height */
                screen: {
                    width: number;
                    height: number;
                };
                devicePixelRatio: number;
                /** @description WebGL vendor and renderer strings chosen by the operator or provider (absent: the browser's own) */
                webgl?: {
                    vendor: string;
                    renderer: string;
                };
            };
        };
        StorageState: {
            cookies: {
                name: string;
                value: string;
                domain: string;
                path: string;
                expires: number;
                httpOnly: boolean;
                secure: boolean;
                /** @enum {string} */
                sameSite: "Strict" | "Lax" | "None";
            }[];
            origins: {
                origin: string;
                localStorage: {
                    name: string;
                    value: string;
                }[];
                /** @default [] */
                sessionStorage: {
                    name: string;
                    value: string;
                }[];
                indexedDB?: unknown[];
            }[];
        };
        CredentialAudit: {
            credentialId: string;
            entries: {
                purpose: string;
                apiKeyId?: string;
                requestId?: string;
                /** @enum {string} */
                via?: "mcp";
                clientId?: string;
                clientName?: string;
                at: string;
            }[];
        };
        CheckedIn: {
            credentialId: string;
            /**
             * @description `renewed`: a newer state is stored (version + 1, `credential.renewed`); `unchanged`: nothing differed
             * @enum {string}
             */
            outcome: "renewed" | "unchanged";
            /** @description The credential's version now: restore or check in from this one next */
            version: number;
            credential: components["schemas"]["Credential"];
        };
        CheckIn: {
            /** @description The version this state was restored from (the storage-state answer's `version`) */
            version: number;
            /** @description What the browser holds now: cookies, and localStorage and sessionStorage of the origins it holds */
            storageState: {
                cookies: {
                    name: string;
                    value: string;
                    domain: string;
                    path: string;
                    expires: number;
                    httpOnly: boolean;
                    secure: boolean;
                    /** @enum {string} */
                    sameSite: "Strict" | "Lax" | "None";
                }[];
                origins: {
                    origin: string;
                    localStorage: {
                        name: string;
                        value: string;
                    }[];
                    /** @default [] */
                    sessionStorage: {
                        name: string;
                        value: string;
                    }[];
                    indexedDB?: unknown[];
                }[];
            };
        };
        CreatedWebhookEndpoint: {
            id: string;
            url: string;
            events?: ("session.queued" | "session.starting" | "session.awaiting_login" | "session.authenticated" | "session.capturing" | "session.kept_alive" | "session.completed" | "session.failed" | "session.expired" | "session.cancelled" | "session.live_view_changed" | "session.login_rejected" | "credential.created" | "credential.verified" | "credential.expired" | "credential.renewed" | "credential.needs_reauth" | "credential.deleted")[];
            description?: string;
            createdAt: string;
            /** @enum {string} */
            source: "api" | "file";
            secret: string;
        };
        WebhookEndpointInput: {
            url: string;
            events?: ("session.queued" | "session.starting" | "session.awaiting_login" | "session.authenticated" | "session.capturing" | "session.kept_alive" | "session.completed" | "session.failed" | "session.expired" | "session.cancelled" | "session.live_view_changed" | "session.login_rejected" | "credential.created" | "credential.verified" | "credential.expired" | "credential.renewed" | "credential.needs_reauth" | "credential.deleted")[];
            description?: string;
            secret?: string;
        };
        WebhookDelivery: {
            eventId: string;
            type: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "retrying" | "failed";
            attempts: number;
            lastStatusCode?: number;
            lastError?: string;
            firstAttemptAt: string;
            updatedAt: string;
        };
        ConnectLinkMinted: {
            /**
             * @description The link's id: to revoke it, and to mint its connect check
             * @example cl_6f1c0e4a9b2d47e8a3c5f0b1d2e3f4a5
             */
            id: string;
            url: string;
            /** @description The deadline to open it */
            expiresAt: string;
        };
        ConnectLinkSummary: {
            /**
             * @description A connect link id
             * @example cl_6f1c0e4a9b2d47e8a3c5f0b1d2e3f4a5
             */
            id: string;
            /** @description The deadline to open it */
            expiresAt: string;
            /** @description When it stops working: expiresAt until opened, then the end of its use there */
            usableUntil: string;
            /** @description When a browser opened it (and got it) */
            openedAt?: string;
            providers?: string[];
            /** @description A component link: the app page's origin it works in */
            componentOrigin?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
