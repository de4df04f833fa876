// The 収支予算書 tables: rows added in place and the totals worked out as one types.
// Without JavaScript the page still works: "行を追加" asks the server for one more row
// (keeping every typed cell) and the totals are worked out when the page comes back.
(function () {
  "use strict";
  var form = document.querySelector("[data-budget-form]");
  if (!form) {
    return;
  }

  // Yen as people type it: 5,000 / ５０００円 / 5千円 / 0.5万 / 1万5000円. null when unreadable.
  function yen(text) {
    var value = (text || "")
      .replace(/[０-９．，]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
      })
      .replace(/[\s,円¥￥]/g, "");
    if (value === "") {
      return 0;
    }
    var match = value.match(/^(?:(\d+(?:\.\d+)?)万)?(?:(\d+(?:\.\d+)?)千)?(\d+)?$/);
    if (!match || (!match[1] && !match[2] && !match[3])) {
      return null;
    }
    var total =
      parseFloat(match[1] || "0") * 10000 +
      parseFloat(match[2] || "0") * 1000 +
      parseInt(match[3] || "0", 10);
    return Math.round(total) === total ? total : null;
  }

  function show(amount) {
    return amount === null ? "—" : amount.toLocaleString("ja-JP") + "円";
  }

  function live(row) {
    var deleted = row.querySelector("input[type=checkbox][name$='-DELETE']");
    return !(deleted && deleted.checked);
  }

  function field(row, suffix) {
    return row.querySelector("[name$='-" + suffix + "']");
  }

  function sum(values) {
    return values.indexOf(null) >= 0
      ? null
      : values.reduce(function (a, b) {
          return a + b;
        }, 0);
  }

  function recount(section) {
    var income = [];
    var city = [];
    section.querySelectorAll("[data-budget-table=income] tbody [data-row]").forEach(function (row) {
      if (!live(row)) {
        return;
      }
      var amount = yen(field(row, "amount").value);
      income.push(amount);
      if (field(row, "source").value === "city") {
        city.push(amount);
      }
    });
    var expense = [];
    section.querySelectorAll("[data-budget-table=expense] tbody [data-row]").forEach(function (row) {
      var price = yen(field(row, "unit_price").value);
      var quantity = yen(field(row, "quantity").value);
      var amount = price === null || quantity === null ? null : price * quantity;
      row.querySelector("[data-amount]").textContent = show(amount);
      if (live(row)) {
        expense.push(amount);
      }
    });
    var incomeTotal = sum(income);
    var expenseTotal = sum(expense);
    section.querySelector("[data-total=income]").textContent = show(incomeTotal);
    section.querySelector("[data-total=city]").textContent = show(sum(city));
    section.querySelector("[data-total=expense]").textContent = show(expenseTotal);
    section.querySelector("[data-total=balance]").textContent =
      incomeTotal === null || expenseTotal === null ? "—" : show(incomeTotal - expenseTotal);
  }

  form.querySelectorAll("[data-budget-year]").forEach(function (section) {
    section.addEventListener("input", function () {
      recount(section);
    });
    section.addEventListener("change", function () {
      recount(section);
    });
  });

  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var prefix = button.getAttribute("data-add-row");
      var total = form.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
      var max = form.querySelector("[name='" + prefix + "-MAX_NUM_FORMS']");
      var template = form.querySelector("template[data-row-template='" + prefix + "']");
      var index = parseInt(total.value, 10);
      if (!template || index >= parseInt(max.value, 10)) {
        return; // the server answers and says why
      }
      event.preventDefault();
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__n__/g, String(index + 1));
      var body = form.querySelector("[data-prefix='" + prefix + "'] tbody");
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = body.lastElementChild;
      var first = added && added.querySelector("select, input");
      if (first) {
        first.focus();
      }
    });
  });
})();
