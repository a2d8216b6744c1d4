"""Demo data for Magpie: two stores with a catalogue, collections, selling pages and an admin login."""
