package io.vnet.vadapt.impl;

/** A candidate answer: VM i on host place[i], these fast links, and its value. */
record State(int[] place, LinkSet links, Eval eval) {
    State copy() {
        return new State(place.clone(), links.copy(), eval);
    }
}
