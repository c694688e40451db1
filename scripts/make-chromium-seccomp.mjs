#!/usr/bin/env node
// Writes deploy/chromium-seccomp.json: Docker's default seccomp profile plus the two rules Chromium's
// namespace sandbox needs (docs/operations.md, "Chromium's sandbox"). Docker's default lets a
// container without CAP_SYS_ADMIN create no namespace at all; Chromium's sandbox makes a user
// namespace (with PID and network namespaces in it) for its zygote, then a PID namespace per
// sandboxed process from inside that user namespace, where the kernel grants it to an unprivileged
// process. Nothing else changes.
//   node scripts/make-chromium-seccomp.mjs <docker default.json> [output]
// <docker default.json>: seccomp/default.json of github.com/moby/profiles at the version your Docker ships.
import { readFileSync, writeFileSync } from "node:fs";

const [input, output = "deploy/chromium-seccomp.json"] = process.argv.slice(2);
if (!input) {
  process.stderr.write("usage: node scripts/make-chromium-seccomp.mjs <docker default.json> [output]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(input, "utf8"));
if (profile.defaultAction !== "SCMP_ACT_ERRNO" || !Array.isArray(profile.syscalls)) {
  process.stderr.write(`${input} does not look like Docker's default profile\n`);
  process.exit(1);
}

const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWPID = 0x20000000;
// Every namespace flag Docker's default rule for clone refuses without CAP_SYS_ADMIN.
const NAMESPACE_FLAGS = 0x7e020000;
// On s390 clone takes its flags as the second argument: left as Docker has it.
const notS390 = { arches: ["s390", "s390x"] };
const flagsMatch = (mask, value) => [{ index: 0, value: mask, valueTwo: value, op: "SCMP_CMP_MASKED_EQ" }];

profile.syscalls.push(
  {
    names: ["clone", "unshare"],
    action: "SCMP_ACT_ALLOW",
    args: flagsMatch(CLONE_NEWUSER, CLONE_NEWUSER),
    excludes: notS390,
    comment: "Chromium's sandbox: a new user namespace (its PID and network namespaces are made inside it)",
  },
  {
    names: ["clone"],
    action: "SCMP_ACT_ALLOW",
    args: flagsMatch(NAMESPACE_FLAGS, CLONE_NEWPID),
    excludes: notS390,
    comment:
      "Chromium's sandbox: a PID namespace per sandboxed process; outside a user namespace it owns, the kernel still requires CAP_SYS_ADMIN",
  },
);
writeFileSync(output, `${JSON.stringify(profile, null, "\t")}\n`);
process.stdout.write(`${output}: Docker's ${profile.syscalls.length - 2} rules and Chromium's 2\n`);
