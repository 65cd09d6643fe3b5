/** Recovery: claims whose agents went quiet are taken back, and tasks whose dependencies failed are failed in turn. */
package dev.spool.recovery;
