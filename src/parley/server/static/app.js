// The dyad page: both directions of a dyad by period; a click lists the events of that period.
(function () {
  "use strict";
  var holder = document.getElementById("chart");
  if (!holder || !window.Plotly) { return; }
  var series = JSON.parse(document.getElementById("series").textContent);
  var source = holder.dataset.source, target = holder.dataset.target, by = holder.dataset.by;

  function trace(rows, name, colour) {
    return {
      x: rows.map(function (r) { return r.period; }),
      y: rows.map(function (r) { return r.plover_mean; }),
      customdata: rows.map(function (r) { return r.events; }),
      name: name, type: "scatter", mode: "lines+markers",
      marker: { size: 9, color: colour }, line: { color: colour },
      hovertemplate: "%{x}<br>mean score %{y:.2f}<br>%{customdata} events<extra>" + name + "</extra>"
    };
  }
  var data = [
    trace(series.forward, source + " → " + target, "#2456a6"),
    trace(series.backward, target + " → " + source, "#c05a00")
  ];
  var layout = {
    margin: { l: 48, r: 12, t: 12, b: 40 }, hovermode: "closest",
    yaxis: { title: { text: "mean PLOVER score" }, zeroline: true },
    legend: { orientation: "h", y: -0.18 }
  };
  Plotly.newPlot(holder, data, layout, { responsive: true, displaylogo: false });

  function periodEnd(start) {
    var d = new Date(start + "T00:00:00Z");
    if (by === "day") { return start; }
    if (by === "week") { d.setUTCDate(d.getUTCDate() + 6); }
    else { d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)); }
    return d.toISOString().slice(0, 10);
  }
  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }
  holder.on("plotly_click", function (event) {
    var point = event.points[0];
    var start = String(point.x).slice(0, 10);
    var pair = point.curveNumber === 0 ? source + "-" + target : target + "-" + source;
    var url = "/api/events?dyad=" + pair + "&since=" + start + "&until=" + periodEnd(start) + "&limit=100";
    var box = document.getElementById("period");
    box.textContent = "Loading…";
    fetch(url).then(function (r) { return r.json(); }).then(function (body) {
      box.textContent = "";
      box.appendChild(text("h2", pair.replace("-", " → ") + ", " + start + " to " + periodEnd(start) + ": " + body.total + " events"));
      var list = document.createElement("ol");
      list.className = "events";
      (body.events || []).forEach(function (e) {
        var item = document.createElement("li");
        item.className = "period-event";
        item.appendChild(text("span", (e.date || "undated") + " ", "date"));
        item.appendChild(text("span", e.event_type + " ", "type"));
        var link = text("a", e.mentions + " mention" + (e.mentions === 1 ? "" : "s"));
        link.href = "/events/" + encodeURIComponent(e.event_id);
        item.appendChild(link);
        item.appendChild(text("div", "“" + e.quote + "”", "quote"));
        list.appendChild(item);
      });
      box.appendChild(list);
    });
  });
}());
