// Admin section: users — full name and NIP (shown on the board and in the reports), role, the
// counters an officer may sit at (picked, not typed), active, a new password.
import * as A from "./admin.js";
import { $, element } from "./lib/dom.js";
const ROLES = [
  ["officer", "Petugas"],
  ["supervisor", "Supervisor"],
  ["admin", "Admin"],
];

function counterChecks(settings, chosen) {
  return A.checkboxes(
    settings.counters.map((counter) => [String(counter.id), counter.name, (chosen || []).includes(counter.id)]),
  );
}
const picked = (root) => A.ticked(root).map(Number);

function card(settings, user) {
  const role = element(
    "select",
    { name: "role", "aria-label": "Peran" },
    ROLES.map(([value, label]) => new Option(label, value, false, value === user.role)),
  );
  const checks = element("fieldset", { className: "checks" }, [
    element("legend", { text: "Loket (tidak ada yang dicentang = semua)" }),
    ...counterChecks(settings, user.counters),
  ]);
  const password = element("input", {
    name: "password",
    type: "password",
    autocomplete: "new-password",
    "data-minlength": "8",
    "data-message": "Kata sandi minimal 8 karakter.",
    placeholder: "tidak diganti",
  });
  const form = element("form", { className: "card" + (user.active ? "" : " retired"), novalidate: true }, [
    element("div", { className: "card-head" }, [
      element("span", { className: "code wide", text: user.username }),
      element("input", {
        name: "full_name",
        value: user.full_name || "",
        maxlength: 80,
        placeholder: "Nama lengkap",
        "aria-label": "Nama lengkap " + user.username,
      }),
    ]),
    element("div", { className: "row" }, [
      element("label", {}, [
        "NIP",
        element("input", {
          name: "nip",
          value: user.nip || "",
          inputmode: "numeric",
          maxlength: 18,
          "data-pattern": "^(\\d{18})?$",
          "data-message": "NIP harus 18 angka.",
        }),
      ]),
      element("label", {}, ["Peran", role]),
      element("label", {}, ["Kata sandi baru", password]),
      element("label", { className: "check" }, [
        element("input", { type: "checkbox", name: "active", checked: user.active }),
        " Aktif",
      ]),
    ]),
    checks,
    element("button", { type: "submit", className: "button button-primary", text: "Simpan" }),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      full_name: form.elements.full_name.value.trim(),
      nip: form.elements.nip.value.trim(),
      role: role.value,
      counters: picked(checks),
      active: form.elements.active.checked,
    };
    if (password.value) body.password = password.value;
    A.run(
      () => A.api("PATCH", "/api/admin/users/" + encodeURIComponent(user.username), body),
      "Pengguna " + user.username + " disimpan.",
    ).then((ok) => {
      if (ok) {
        password.value = "";
        load();
      }
    });
  });
  return form;
}

async function load() {
  const data = await A.api("GET", "/api/admin/users").catch((error) => {
    A.notify(error.message, true);
    return { users: [] };
  });
  const settings = A.state.settings;
  data.users.sort((a, b) => a.username.localeCompare(b.username, "id", { numeric: true }));
  $("#users-list").replaceChildren(...data.users.map((user) => card(settings, user)));
}

A.section("users", {
  bind() {
    A.onSubmit($("#user-add"), (values, form) => {
      values.counters = picked($("[data-counter-checks]", form));
      A.run(() => A.api("POST", "/api/admin/users", values), "Pengguna " + values.username + " ditambahkan.").then(
        (ok) => {
          if (ok) {
            form.reset();
            load();
          }
        },
      );
    });
  },
  render(settings) {
    $("#user-add [data-counter-checks]").replaceChildren(
      element("legend", { text: "Loket yang boleh dipakai (tidak ada yang dicentang = semua)" }),
      ...counterChecks(settings, []),
    );
    if (!$("#tab-users").hidden) load();
  },
  show: load,
});
