/**
 * The phone region of a project: how nationally written phones (`8 701 234 56 78`, `87012345678`)
 * are read when they are normalised to E.164 (`normalizePhone` of `@pulse/domain`).
 */
import type { PhoneRegion } from "@pulse/domain";
import { isSupportedCountry } from "libphonenumber-js";
import { z } from "zod";

/**
 * A phone region: an ISO 3166-1 alpha-2 code libphonenumber knows (`KZ`, `UA`). International
 * numbers and WhatsApp JIDs do not depend on it.
 */
export const PhoneRegionCode = z
  .string()
  .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 region such as KZ")
  .refine((code) => isSupportedCountry(code), "a region libphonenumber knows");

/**
 * The region used when a project has none: `KZ`, the country of the amoCRM/Radist/Evolution
 * accounts the chat features were designed with (SPEC "Conversations and shifts": UTC+5 shifts,
 * KZT prices). A project elsewhere must set it (`project register --phone-region UA`); the time
 * zone is deliberately not used to guess it (one zone spans several countries).
 */
export const DEFAULT_PHONE_REGION = "KZ" as PhoneRegion;

/** `region` when given, else {@link DEFAULT_PHONE_REGION}. */
export function phoneRegionOrDefault(region: string | null | undefined): PhoneRegion {
  return (region ?? DEFAULT_PHONE_REGION) as PhoneRegion;
}
