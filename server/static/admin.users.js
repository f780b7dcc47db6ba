// Admin section: users — full name and NIP (shown on the board and in the reports), role, the
// counters an officer may sit at (picked, not typed), active, a new password.
import * as A from "./admin.js";
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
  const { el } = A;
  const role = el(
    "select",
    { name: "role", "aria-label": "Peran" },
    ROLES.map(([value, label]) => new Option(label, value, false, value === user.role)),
  );
  const checks = el("fieldset", { className: "checks" }, [
    el("legend", { text: "Loket (tidak ada yang dicentang = semua)" }),
    ...counterChecks(settings, user.counters),
  ]);
  const password = el("input", {
    name: "password",
    type: "password",
    autocomplete: "new-password",
    "data-minlength": "8",
    "data-message": "Kata sandi minimal 8 karakter.",
    placeholder: "tidak diganti",
  });
  const form = el("form", { className: "card" + (user.active ? "" : " retired"), novalidate: true }, [
    el("div", { className: "card-head" }, [
      el("span", { className: "code wide", text: user.username }),
      el("input", {
        name: "full_name",
        value: user.full_name || "",
        maxlength: 80,
        placeholder: "Nama lengkap",
        "aria-label": "Nama lengkap " + user.username,
      }),
    ]),
    el("div", { className: "row" }, [
      el("label", {}, [
        "NIP",
        el("input", {
          name: "nip",
          value: user.nip || "",
          inputmode: "numeric",
          maxlength: 18,
          "data-pattern": "^(\\d{18})?$",
          "data-message": "NIP harus 18 angka.",
        }),
      ]),
      el("label", {}, ["Peran", role]),
      el("label", {}, ["Kata sandi baru", password]),
      el("label", { className: "check" }, [
        el("input", { type: "checkbox", name: "active", checked: user.active }),
        " Aktif",
      ]),
    ]),
    checks,
    el("button", { type: "submit", text: "Simpan" }),
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
  document.getElementById("users-list").replaceChildren(...data.users.map((user) => card(settings, user)));
}

A.section("users", {
  bind() {
    A.onSubmit(document.getElementById("user-add"), (values, form) => {
      values.counters = picked(form.querySelector("[data-counter-checks]"));
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
    document
      .querySelector("#user-add [data-counter-checks]")
      .replaceChildren(
        A.el("legend", { text: "Loket yang boleh dipakai (tidak ada yang dicentang = semua)" }),
        ...counterChecks(settings, []),
      );
    if (!document.getElementById("tab-users").hidden) load();
  },
  show: load,
});
