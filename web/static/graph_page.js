/* The incident graph page: mount the network; expose it for inspection (and the browser tests). */
"use strict";
window.incidentGraph = window.IncidentGraph.mount("graph-data");
